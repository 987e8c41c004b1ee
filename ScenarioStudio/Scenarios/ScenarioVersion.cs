using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Scenarios;

/// <summary>One published version of a scenario: the whole document as learners practised it. Never changed after it is written.</summary>
public sealed class ScenarioVersion : IOrganisationOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public int ScenarioId { get; set; }
    public int Number { get; set; }
    public ScenarioDocument Document { get; set; } = new();
    public string ChangeNote { get; set; } = "";
    /// <summary>Who made the change (submitted it) and who approved it.</summary>
    public string AuthorName { get; set; } = "";
    public string PublishedById { get; set; } = "";
    public string PublishedByName { get; set; } = "";
    public DateTimeOffset PublishedAt { get; set; }
}

public enum DraftStatus { Draft, InReview }

/// <summary>
/// The changes being made to a published scenario, kept beside it: learners go on practising the live version (the
/// scenario row) until this draft is reviewed and published. One per scenario at most.
/// </summary>
public sealed class ScenarioDraft : IOrganisationOwned
{
    public int Id { get; set; }
    public Guid OrganisationId { get; set; }
    public int ScenarioId { get; set; }
    public ScenarioDocument Document { get; set; } = new();
    public Visibility Visibility { get; set; }
    public DraftStatus Status { get; set; }
    /// <summary>The live version the draft started from.</summary>
    public int BaseVersion { get; set; }
    public string UpdatedById { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
    public string? SubmittedById { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }
}

public enum ReviewEventKind { Submitted, ChangesRequested, Approved, Restored, DraftDiscarded }

/// <summary>One step of a scenario's review: a submission with its note, a request for changes with its comment, an approval.</summary>
public sealed class ReviewEvent : IOrganisationOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public int ScenarioId { get; set; }
    public ReviewEventKind Kind { get; set; }
    public string Note { get; set; } = "";
    public string ById { get; set; } = "";
    public string ByName { get; set; } = "";
    public DateTimeOffset At { get; set; }
    /// <summary>The version an approval published or a restore started from.</summary>
    public int? Version { get; set; }
}

internal sealed class ScenarioVersionConfiguration : IEntityTypeConfiguration<ScenarioVersion>
{
    public void Configure(EntityTypeBuilder<ScenarioVersion> b)
    {
        b.ImmutableJson(v => v.Document);
        b.Property(v => v.ChangeNote).HasMaxLength(ScenarioVersioning.NoteLength);
        b.Property(v => v.AuthorName).HasMaxLength(100);
        b.Property(v => v.PublishedById).HasMaxLength(64);
        b.Property(v => v.PublishedByName).HasMaxLength(100);
        b.HasOne<Scenario>().WithMany().HasForeignKey(v => v.ScenarioId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(v => new { v.ScenarioId, v.Number }).IsUnique();
    }
}

internal sealed class ScenarioDraftConfiguration : IEntityTypeConfiguration<ScenarioDraft>
{
    public void Configure(EntityTypeBuilder<ScenarioDraft> b)
    {
        b.Json(d => d.Document);
        b.Property(d => d.Visibility).HasConversion<string>().HasMaxLength(20);
        b.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(d => d.UpdatedById).HasMaxLength(64);
        b.Property(d => d.SubmittedById).HasMaxLength(64);
        b.HasOne<Scenario>().WithMany().HasForeignKey(d => d.ScenarioId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(d => d.ScenarioId).IsUnique();
        b.HasIndex(d => new { d.OrganisationId, d.Status, d.SubmittedAt });
    }
}

internal sealed class ReviewEventConfiguration : IEntityTypeConfiguration<ReviewEvent>
{
    public void Configure(EntityTypeBuilder<ReviewEvent> b)
    {
        b.Property(e => e.Kind).HasConversion<string>().HasMaxLength(30);
        b.Property(e => e.Note).HasMaxLength(ScenarioVersioning.NoteLength);
        b.Property(e => e.ById).HasMaxLength(64);
        b.Property(e => e.ByName).HasMaxLength(100);
        b.HasOne<Scenario>().WithMany().HasForeignKey(e => e.ScenarioId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => new { e.ScenarioId, e.Id });
    }
}
