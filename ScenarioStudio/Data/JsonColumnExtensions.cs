using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Data;

public static class JsonColumnExtensions
{
    /// <summary>Stores a value as a JSON text column, compared by its JSON so in-place edits are detected.</summary>
    public static void Json<TEntity, T>(this EntityTypeBuilder<TEntity> b, System.Linq.Expressions.Expression<Func<TEntity, T>> property)
        where TEntity : class
    {
        b.Property(property).HasConversion(
            v => ScenarioJson.Serialize(v),
            v => ScenarioJson.Deserialize<T>(v),
            new ValueComparer<T>(
                (x, y) => ScenarioJson.Serialize(x) == ScenarioJson.Serialize(y),
                v => ScenarioJson.Serialize(v).GetHashCode(),
                v => ScenarioJson.Clone(v)));
    }
}
