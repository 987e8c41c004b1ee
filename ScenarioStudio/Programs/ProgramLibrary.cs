using Microsoft.EntityFrameworkCore;
using ScenarioStudio.Data;

namespace ScenarioStudio.Programs;

/// <summary>
/// The seeded programs: one 10-day program per domain, built from the seeded scenario library (each day names its
/// scenarios by template key). Added to an organisation once, when its library is seeded.
/// </summary>
public static class ProgramLibrary
{
    public sealed record SeedDay(string Theme, int MinScore, params string[] TemplateKeys);

    public sealed record SeedProgram(string Key, string Name, string Description, UnlockRule Unlock, IReadOnlyList<SeedDay> Days);

    private const string Trial = "sales-whatsapp-trial-pack", Renewal = "sales-software-renewal-price";
    private const string Billing = "support-billing-double-charge", Outage = "support-internet-outage-verification",
        Refund = "support-refund-outside-window";
    private const string Promise = "collections-promise-to-pay", Hardship = "collections-hardship-plan", Dispute = "collections-disputed-balance";

    public static IReadOnlyList<SeedProgram> All { get; } =
    [
        new("sales-objection-handling", "Sales objection handling: 10 days",
            "A daily routine for sales reps: one objection theme a day, practised against a real customer, building to a full review.",
            UnlockRule.OnDate,
            [
                new("Hearing the objection out", 60, Trial),
                new("Price objections", 60, Renewal),
                new("\"It's too big a commitment\"", 65, Trial),
                new("\"Your competitor is cheaper\"", 65, Renewal),
                new("Questions before answers", 65, Trial),
                new("Trading, not discounting", 70, Renewal),
                new("Proof, pilots and trials", 70, Trial),
                new("Value over price", 70, Renewal),
                new("Closing on a next step", 75, Trial),
                new("Review: both objections end to end", 75, Trial, Renewal),
            ]),
        new("support-essentials", "Customer support essentials: 10 days",
            "Empathy, verification and saying no kindly: the calls every support agent takes, one skill a day.",
            UnlockRule.OnDate,
            [
                new("Empathy first", 60, Billing),
                new("Verifying the customer safely", 60, Outage),
                new("Saying no kindly", 60, Refund),
                new("Owning a billing mistake", 65, Billing),
                new("Clear next steps in an outage", 65, Outage),
                new("Offering alternatives", 65, Refund),
                new("Explaining charges plainly", 70, Billing),
                new("Setting expectations", 70, Outage),
                new("Policy with flexibility", 70, Refund),
                new("Review: a hard day on the phones", 75, Billing, Refund),
            ]),
        new("collections-fundamentals", "Collections fundamentals: 10 days",
            "Firm, fair and compliant collections calls: promises to pay, hardship and disputes, one theme a day.",
            UnlockRule.OnDate,
            [
                new("Opening the call and confirming identity", 60, Promise),
                new("Listening to hardship", 60, Hardship),
                new("Handling a disputed balance", 60, Dispute),
                new("Securing a promise to pay", 65, Promise),
                new("Affordable payment plans", 65, Hardship),
                new("Evidence and next steps in a dispute", 65, Dispute),
                new("Firm but fair", 70, Promise),
                new("Customers in vulnerable circumstances", 70, Hardship),
                new("Staying calm under pressure", 70, Dispute),
                new("Review: promise and plan", 75, Promise, Hardship),
            ]),
        new("language-basics", "English basics: 10 days",
            "Everyday conversations for learners of English, self-paced: each day opens when the one before is done.",
            UnlockRule.AfterPreviousDone,
            [
                new("Greetings and small talk", 50, "language-party-small-talk"),
                new("Checking in at a hotel", 50, "language-hotel-check-in"),
                new("Ordering at a restaurant", 55, "language-restaurant-dinner"),
                new("Shopping for clothes", 55, "language-shopping-clothes"),
                new("At the airport", 55, "language-airport-check-in"),
                new("At the bank", 60, "language-bank-account"),
                new("At the doctor's", 60, "language-doctor-appointment"),
                new("Joining a club or library", 60, "language-hobby-club", "language-library-card"),
                new("Reporting a problem to the police", 65, "language-police-lost-wallet"),
                new("A meeting at work", 65, "language-business-meeting"),
            ]),
    ];

    /// <summary>
    /// Adds the seeded programs this organisation does not have yet, once its library scenarios exist; a program
    /// whose scenarios are missing (an organisation that deleted one) is left out rather than seeded broken.
    /// </summary>
    /// <param name="known">Library scenarios the caller has just added, by template key: only the others are looked up.</param>
    public static async Task SeedAsync(AppDbContext db, Guid organisationId, string createdById, DateTimeOffset now, CancellationToken ct,
        IReadOnlyDictionary<string, int>? known = null)
    {
        var keys = All.Select(p => p.Key).ToList();
        var existing = await db.Set<TrainingProgram>().IgnoreQueryFilters()
            .Where(p => p.OrganisationId == organisationId && p.TemplateKey != null && keys.Contains(p.TemplateKey))
            .Select(p => p.TemplateKey!).ToListAsync(ct);
        var missing = All.Where(p => !existing.Contains(p.Key)).ToList();
        if (missing.Count == 0) return;
        var ids = new Dictionary<string, int>(known ?? new Dictionary<string, int>());
        var templateKeys = missing.SelectMany(p => p.Days).SelectMany(d => d.TemplateKeys).Distinct().Where(k => !ids.ContainsKey(k)).ToList();
        if (templateKeys.Count > 0)
        {
            var scenarios = await db.Scenarios.IgnoreQueryFilters()
                .Where(s => s.OrganisationId == organisationId && s.TemplateKey != null && templateKeys.Contains(s.TemplateKey))
                .Select(s => new { s.TemplateKey, s.Id }).ToListAsync(ct);
            foreach (var g in scenarios.GroupBy(s => s.TemplateKey!)) ids[g.Key] = g.Min(s => s.Id);
        }
        foreach (var seed in missing)
        {
            if (!seed.Days.SelectMany(d => d.TemplateKeys).All(ids.ContainsKey)) continue;
            db.Add(new TrainingProgram
            {
                OrganisationId = organisationId, Name = seed.Name, Description = seed.Description, TemplateKey = seed.Key,
                CreatedById = createdById, CreatedAt = now, UpdatedAt = now,
                Days = seed.Days.Select(d => new ProgramDayPlan
                {
                    Theme = d.Theme, MinScore = d.MinScore, Unlock = seed.Unlock, ScenarioIds = d.TemplateKeys.Select(k => ids[k]).ToList(),
                }).ToList(),
            });
        }
        await db.SaveChangesAsync(ct);
    }
}
