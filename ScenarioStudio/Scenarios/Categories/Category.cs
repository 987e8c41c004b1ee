using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios.Categories;

/// <summary>
/// One of an organisation's scenario categories, managed by Admins. Scenarios keep the category's name in
/// <see cref="Scenario.Category"/> (import and export files carry the name), so a rename rewrites that text everywhere.
/// Names are unique per organisation whatever their case.
/// </summary>
public sealed class Category : IOrganisationOwned
{
    public const int MaxName = 50;

    public int Id { get; set; }
    public Guid OrganisationId { get; set; }
    public string Name { get; set; } = "";
    /// <summary>Hex colour such as #1971C2, for the category's chips.</summary>
    public string Colour { get; set; } = CategoryDefaults.Palette[0];
    /// <summary>Where it comes in the pickers and filters, smallest first.</summary>
    public int Position { get; set; }
    /// <summary>Archived: scenarios already in it keep it, but it is no longer offered for new picks.</summary>
    public bool IsArchived { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The list a new organisation starts with, and the colours categories are given.</summary>
public static class CategoryDefaults
{
    /// <summary>Distinct, readable with white text, and told apart by people with the common colour blindnesses (mostly).</summary>
    public static readonly string[] Palette =
        ["#1971C2", "#2B8A3E", "#E8590C", "#862E9C", "#C2255C", "#0B7285", "#5C940D", "#A61E4D", "#364FC7", "#495057"];

    /// <summary>
    /// The domains' default categories (what a blank scenario starts with, see <see cref="RubricDefaults.NewDocument"/>)
    /// and those the seeded library's templates use, so every template keeps a category of the list.
    /// </summary>
    public static IReadOnlyList<string> Names { get; } = Enum.GetValues<ScenarioDomain>()
        .Select(d => RubricDefaults.NewDocument(d).Category)
        .Concat(ScenarioLibrary.All.Select(t => t.Document.Category.Trim()))
        .Distinct(StringComparer.OrdinalIgnoreCase)
        .ToList();
}

internal sealed class CategoryConfiguration : IEntityTypeConfiguration<Category>
{
    public void Configure(EntityTypeBuilder<Category> b)
    {
        b.ToTable("Categories");
        b.Property(c => c.Name).HasMaxLength(Category.MaxName).UseCollation("NOCASE");
        b.Property(c => c.Colour).HasMaxLength(7);
        b.HasIndex(c => new { c.OrganisationId, c.Name }).IsUnique();
        b.HasIndex(c => new { c.OrganisationId, c.Position });
    }
}
