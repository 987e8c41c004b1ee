namespace ScenarioStudio.Scenarios.Authoring;

/// <summary>
/// Carries an unsaved draft (a translation) from the page that made it to the builder it opens in, within one circuit:
/// the builder takes it once; nothing is stored anywhere until the creator saves.
/// </summary>
public sealed class DraftHandover
{
    private DraftEvent? pending;

    public void Put(DraftEvent draft) => pending = draft;

    /// <summary>The draft handed over, once; null when there is none (a reload, a second tab).</summary>
    public DraftEvent? Take()
    {
        var draft = pending;
        pending = null;
        return draft;
    }
}
