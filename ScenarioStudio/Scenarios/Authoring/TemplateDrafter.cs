using System.Runtime.CompilerServices;
using System.Text.Json;
using ScenarioStudio.Ai.Coach;

namespace ScenarioStudio.Scenarios.Authoring;

/// <summary>
/// Drafting without a provider (the offline engine): the seeded template closest in meaning to the description (the
/// offline coach's sentence model), preferring the chosen domain, with the form's names, product and figures filled in.
/// </summary>
public sealed class TemplateDrafter(EmbeddingCache embeddings)
{
    public const string RicherNote = "An AI provider (Administration → AI provider) writes drafts for your own situation; "
        + "without one, drafts start from the closest template.";

    public async IAsyncEnumerable<DraftEvent> DraftAsync(DraftRequest r, [EnumeratorCancellation] CancellationToken ct)
    {
        var empty = new Dictionary<string, string[]>();
        yield return new DraftEvent(DraftStage.Progress, "Finding the closest template…", RubricDefaults.NewDocument(r.Domain), empty, 0, 2);
        // The sentence model runs on the CPU: off the circuit's thread.
        var (key, template) = await Task.Run(() => Closest(r), ct);
        ct.ThrowIfCancellationRequested();
        var doc = Fill(template, r);
        yield return new DraftEvent(DraftStage.Section, $"Started from the template “{template.Title}”.", ScenarioJson.Clone(doc), empty, 1, 2);
        var errors = DraftReader.Check(doc);
        var phases = template.Phases.Count < r.Phases ? $" It has {template.Phases.Count} phases; add more in the Phases tab." : "";
        yield return new DraftEvent(DraftStage.Done, $"Drafted offline from the template “{template.Title}” ({key}), the closest to your description."
            + phases + " " + RicherNote, ScenarioJson.Clone(doc), errors.ToDictionary(), 2, 2);
    }

    /// <summary>The template whose title, description and brief are nearest the description; a template of the chosen domain wins a near tie.</summary>
    internal (string Key, ScenarioDocument Document) Closest(DraftRequest r)
    {
        var all = ScenarioLibrary.All;
        var texts = all.Select(t => $"{t.Document.Title}. {t.Document.Description} {t.Document.Context.LearnerBrief}").ToList();
        var vectors = embeddings.Embed(texts);
        var query = embeddings.Embed($"{r.Situation} {r.ProductName}".Trim());
        return all.Select((t, i) => (t, Score: EmbeddingCache.Similarity(query, vectors[i]) + (t.Document.Domain == r.Domain ? 0.15 : 0)))
            .MaxBy(x => x.Score).t;
    }

    internal static ScenarioDocument Fill(ScenarioDocument template, DraftRequest r)
    {
        var json = ScenarioJson.Serialize(template);
        var customer = DraftReader.Clean(r.CustomerName);
        if (customer.Length > 0 && template.Persona.Name.Trim().Length > 0)
        {
            // Every mention of the template's customer (full name first, then the first name alone) becomes the form's customer.
            var old = template.Persona.Name.Trim();
            var encoded = JsonEncodedText.Encode(customer).ToString();
            json = json.Replace(JsonEncodedText.Encode(old).ToString(), encoded, StringComparison.Ordinal);
            var first = old.Split(' ')[0];
            if (first.Length >= 3 && first != old) json = json.Replace(JsonEncodedText.Encode(first).ToString(), encoded, StringComparison.Ordinal);
        }
        var doc = ScenarioJson.Deserialize<ScenarioDocument>(json);
        var company = DraftReader.Clean(r.CompanyName);
        var product = DraftReader.Clean(r.ProductName);
        var figures = DraftReader.Clean(r.Figures);
        var suffix = product.Length > 0 ? product : company.Length > 0 ? company : "draft";
        doc.Title = $"{template.Title} ({suffix})";
        if (doc.Title.Length > 100) doc.Title = doc.Title[..100].TrimEnd();
        doc.Slug = ScenarioValidator.Slugify(doc.Title);
        doc.Description = DraftReader.Clean(r.Situation);
        doc.Difficulty = r.Difficulty;
        doc.Phases = doc.Phases.Take(r.Phases).Select(p => { p.Key = ""; return p; }).ToList();
        if (company.Length > 0) doc.Context.TicketFields.Insert(0, new CardField { Label = "Company", Value = company });
        if (product.Length > 0) doc.Context.TicketFields.Insert(company.Length > 0 ? 1 : 0, new CardField { Label = "Product", Value = product });
        if (figures.Length > 0) doc.Context.KnowledgeBase.Insert(0, new KnowledgeEntry { Title = "Figures for this scenario", Body = figures });
        if (r.Source is { } source)
        {
            // Without a model to read it, the document's opening goes into the knowledge base for the creator to trim.
            var text = DraftReader.Clean(source.Text);
            doc.Context.KnowledgeBase.Insert(0, new KnowledgeEntry
            {
                Title = $"From {DraftReader.Clean(source.FileName)}", Body = text.Length > DraftReader.MaxLong ? text[..DraftReader.MaxLong] : text,
            });
        }
        doc.Context.LearnerBrief = $"{DraftReader.Clean(r.Situation)}\n\n{doc.Context.LearnerBrief}".Trim();
        return doc;
    }
}
