using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Data;

public static class JsonColumnExtensions
{
    /// <summary>Stores a value as a JSON text column, compared by its JSON so in-place edits are detected.</summary>
    public static void Json<TEntity, T>(this EntityTypeBuilder<TEntity> b, System.Linq.Expressions.Expression<Func<TEntity, T>> property)
        where TEntity : class =>
        Column(b, property, new ValueComparer<T>(
            (x, y) => ScenarioJson.SameJson(x, y),
            v => ScenarioJson.Serialize(v).GetHashCode(),
            v => ScenarioJson.Clone(v)));

    /// <summary>
    /// Stores a value as a JSON text column that is never changed in place once written: a phase's content (a change
    /// replaces the phases), a published version, an audit entry's changes. Compared by reference and tracked without a
    /// snapshot copy, so loading and saving thousands of rows does not serialise each one again to compare it.
    /// Assigning a new value is still saved; editing the value's insides is not.
    /// </summary>
    public static void ImmutableJson<TEntity, T>(this EntityTypeBuilder<TEntity> b, System.Linq.Expressions.Expression<Func<TEntity, T>> property)
        where TEntity : class =>
        Column(b, property, new ValueComparer<T>(
            (x, y) => ReferenceEquals(x, y),
            v => v == null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(v),
            v => v));

    private static void Column<TEntity, T>(EntityTypeBuilder<TEntity> b, System.Linq.Expressions.Expression<Func<TEntity, T>> property,
        ValueComparer<T> comparer) where TEntity : class =>
        b.Property(property).HasConversion(v => ScenarioJson.Serialize(v), v => ScenarioJson.Deserialize<T>(v), comparer);
}
