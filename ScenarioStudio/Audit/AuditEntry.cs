using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;

namespace ScenarioStudio.Audit;

/// <summary>What happened, in the words the audit page filters by.</summary>
public enum AuditAction
{
    Create, Update, Delete, StatusChange, Submit, RequestChanges, Publish, Restore, Import, Export,
    RoleChange, Invitation, Deactivation, Reactivation, TeamChange, AiSettingsChange, SettingsChange,
}

/// <summary>One field's value before and after a change (texts cut to a readable length).</summary>
public sealed record FieldChange(string Field, string? Before, string? After);

/// <summary>The thing a change was made to: its kind ("Scenario", "Member", "Team"…), its id and its name at the time.</summary>
public sealed record AuditSubject(string Kind, string Id, string Name);

/// <summary>
/// One row of the audit log: who did what to which thing, when and from which address. Written in the same
/// transaction as the change it records; the app never updates or deletes one (<see cref="AuditTrail"/>).
/// </summary>
public sealed class AuditEntry : IOrganisationOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public DateTimeOffset At { get; set; }
    public string ActorId { get; set; } = "";
    public string ActorName { get; set; } = "";
    public string? Address { get; set; }
    public AuditAction Action { get; set; }
    public string SubjectKind { get; set; } = "";
    public string SubjectId { get; set; } = "";
    public string SubjectName { get; set; } = "";
    public string Summary { get; set; } = "";
    public List<FieldChange> Changes { get; set; } = [];
}

/// <summary>The audit table's indexes by name (the names EF's convention gives them), for the queries that choose one.</summary>
internal static class AuditIndexes
{
    public const string All = "IX_AuditEntries_OrganisationId_Id";
    public const string Actor = "IX_AuditEntries_OrganisationId_ActorId_Id";
    public const string Action = "IX_AuditEntries_OrganisationId_Action_Id";
    public const string ActorAction = "IX_AuditEntries_OrganisationId_ActorId_Action_Id";
    public const string Subject = "IX_AuditEntries_OrganisationId_SubjectKind_SubjectId_Id";
    public const string SubjectAction = "IX_AuditEntries_OrganisationId_SubjectKind_SubjectId_Action_Id";
    public const string SubjectActor = "IX_AuditEntries_OrganisationId_SubjectKind_SubjectId_ActorId_Id";
    public const string At = "IX_AuditEntries_OrganisationId_At";
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.Property(a => a.ActorId).HasMaxLength(64);
        b.Property(a => a.ActorName).HasMaxLength(100);
        b.Property(a => a.Address).HasMaxLength(64);
        b.Property(a => a.Action).HasConversion<string>().HasMaxLength(30);
        b.Property(a => a.SubjectKind).HasMaxLength(30);
        b.Property(a => a.SubjectId).HasMaxLength(64);
        b.Property(a => a.SubjectName).HasMaxLength(200);
        b.Property(a => a.Summary).HasMaxLength(500);
        b.ImmutableJson(a => a.Changes);
        // The audit page reads newest first (Id descending) under any mix of filters: each combination seeks an index
        // that ends in Id, so a page reads only its own rows (AuditLogService names the index for each combination). A
        // date range becomes an Id range through (OrganisationId, At).
        b.HasIndex(a => new { a.OrganisationId, a.Id }).HasDatabaseName(AuditIndexes.All);
        b.HasIndex(a => new { a.OrganisationId, a.ActorId, a.Id }).HasDatabaseName(AuditIndexes.Actor);
        b.HasIndex(a => new { a.OrganisationId, a.Action, a.Id }).HasDatabaseName(AuditIndexes.Action);
        b.HasIndex(a => new { a.OrganisationId, a.ActorId, a.Action, a.Id }).HasDatabaseName(AuditIndexes.ActorAction);
        b.HasIndex(a => new { a.OrganisationId, a.SubjectKind, a.SubjectId, a.Id }).HasDatabaseName(AuditIndexes.Subject);
        b.HasIndex(a => new { a.OrganisationId, a.SubjectKind, a.SubjectId, a.Action, a.Id }).HasDatabaseName(AuditIndexes.SubjectAction);
        b.HasIndex(a => new { a.OrganisationId, a.SubjectKind, a.SubjectId, a.ActorId, a.Id }).HasDatabaseName(AuditIndexes.SubjectActor);
        b.HasIndex(a => new { a.OrganisationId, a.At }).HasDatabaseName(AuditIndexes.At);
        b.ToTable(t =>
        {
            // Created in the AuditAppendOnly migration: UPDATE and DELETE on the table abort, whoever runs them.
            t.HasTrigger(AuditTrail.NoUpdateTrigger);
            t.HasTrigger(AuditTrail.NoDeleteTrigger);
        });
    }
}
