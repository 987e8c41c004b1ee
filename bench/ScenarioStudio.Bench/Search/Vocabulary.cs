using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Bench.Search;

/// <summary>
/// The words generated scenarios are made of (a few hundred, across the four domains). Topic lists are ordered
/// from most to least likely, and drawn with a Zipf distribution, so document frequencies range from roughly a
/// third of all scenarios down to under one percent. <see cref="PhaseOnly"/> words occur only in phase text;
/// <see cref="Rare"/> words are planted in about ten scenarios each.
/// </summary>
public static class Vocabulary
{
    public static readonly IReadOnlyDictionary<ScenarioDomain, string[]> Topics = new Dictionary<ScenarioDomain, string[]>
    {
        [ScenarioDomain.Sales] =
        [
            "pricing", "discount", "renewal", "upgrade", "trial", "contract", "quote", "budget", "competitor", "demo",
            "onboarding", "procurement", "licence", "subscription", "seats", "proposal", "rollout", "integration", "roadmap", "forecast",
            "margin", "bundle", "annual", "commitment", "stakeholder", "champion", "sponsor", "pilot", "migration", "reference",
            "testimonial", "referral", "commission", "territory", "pipeline", "prospect", "shortlist", "tender", "negotiation", "concession",
            "payback", "savings", "efficiency", "dashboard", "analytics", "premium", "enterprise", "starter", "coupon", "loyalty",
            "upsell", "webinar", "exhibition", "brochure", "showroom", "fleet", "franchise", "wholesale", "consignment", "retainer",
        ],
        [ScenarioDomain.Support] =
        [
            "refund", "router", "password", "outage", "warranty", "login", "billing", "invoice", "charge", "delivery",
            "parcel", "courier", "replacement", "repair", "installation", "engineer", "appointment", "broadband", "signal", "modem",
            "firmware", "crash", "error", "ticket", "escalation", "complaint", "cancellation", "voucher", "compensation", "return",
            "exchange", "receipt", "tracking", "delay", "damage", "fault", "reset", "fraud", "website", "browser",
            "downgrade", "tariff", "meter", "boiler", "heating", "leak", "roaming", "handset", "refusal", "reboot",
            "backup", "printer", "laptop", "screen", "battery", "charger", "bluetooth", "latency", "authenticator", "chargeback",
        ],
        [ScenarioDomain.Collections] =
        [
            "arrears", "instalment", "overdue", "balance", "hardship", "settlement", "repayment", "affordability", "income", "expenditure",
            "creditor", "debt", "loan", "mortgage", "rent", "landlord", "eviction", "bailiff", "default", "statement",
            "interest", "fee", "penalty", "waiver", "freeze", "deferral", "debit", "benefit", "redundancy", "illness",
            "bereavement", "vulnerability", "consent", "dispute", "ombudsman", "regulator", "disclosure", "agreement", "reminder", "arrangement",
            "overdraft", "payday", "guarantor", "recovery", "agency", "credit", "furlough", "pension", "council", "utility",
            "refuse", "insolvency", "probate", "garnishment", "forbearance", "remortgage", "solvency", "lender", "borrower", "budgeting",
        ],
        [ScenarioDomain.Language] =
        [
            "restaurant", "menu", "reservation", "table", "waiter", "bill", "tip", "allergy", "vegetarian", "dessert",
            "hotel", "room", "luggage", "passport", "airport", "boarding", "gate", "train", "platform", "timetable",
            "directions", "museum", "pharmacy", "prescription", "doctor", "symptoms", "market", "bargain", "souvenir", "size",
            "fitting", "taxi", "fare", "weather", "neighbour", "hobby", "family", "weekend", "holiday", "beach",
            "mountain", "bakery", "butcher", "café", "crème", "entrée", "mañana", "señor", "cuenta", "reserva",
            "billete", "mesa", "rechnung", "bahnhof", "fahrkarte", "conto", "prenotazione", "größe", "déjà", "boulangerie",
        ],
    };

    /// <summary>Words any scenario uses, also Zipf-ordered.</summary>
    public static readonly string[] General =
    [
        "customer", "account", "explain", "listen", "confirm", "question", "answer", "option", "concern", "situation",
        "problem", "solution", "agree", "offer", "details", "information", "policy", "process", "team", "manager",
        "colleague", "phone", "chat", "message", "follow", "next", "step", "today", "week", "month",
        "time", "date", "clear", "calm", "polite", "honest", "quickly", "carefully", "patiently", "acknowledge",
        "empathy", "tone", "summary", "check", "record", "notes", "reason", "priority", "request", "promise",
        "support", "help", "service", "value", "cost", "price", "change", "plan", "goal", "feedback",
        "progress", "outcome", "result", "decision", "approval", "trust", "relationship", "experience", "urgent", "deadline",
    ];

    /// <summary>Coaching jargon that appears only in phase text (coaching notes, success criteria, common mistakes).</summary>
    public static readonly string[] PhaseOnly =
    [
        "paraphrasing", "mirroring", "signposting", "labelling", "summarising", "chunking", "bridging", "anchoring", "reframing", "pausing",
        "probing", "funnelling", "echoing", "validating", "softening", "hedging", "recapping", "scaffolding", "modelling", "rehearsing",
        "nudging", "calibrating", "pacing", "laddering", "triangulating", "storyboarding", "debriefing", "shadowing", "journaling", "timeboxing",
    ];

    /// <summary>Planted in about ten scenarios each, in the description or the phase text.</summary>
    public static readonly string[] Rare =
    [
        "zeppelin", "quokka", "marzipan", "obsidian", "kumquat", "saxophone", "tambourine", "walrus", "origami", "igloo",
        "xylophone", "narwhal", "gondola", "papyrus", "juniper", "sapphire", "trombone", "harpsichord", "axolotl", "kaleidoscope",
    ];

    public const int RarePerWord = 10;

    /// <summary>Word beginnings for prefix searches (every search word is prefix-matched by the app).</summary>
    public static readonly string[] Prefixes =
    [
        "refu", "instal", "warr", "comp", "nego", "disc", "cancel", "subscr", "escal", "arrea",
        "reserv", "prescri", "hard", "pay", "conf", "deliv", "upgr", "mort", "rest", "bro",
    ];

    /// <summary>Queries typed without accents; the index removes diacritics.</summary>
    public static readonly string[] Unaccented = ["cafe", "manana", "senor", "creme", "entree", "deja"];

    public static readonly IReadOnlyDictionary<ScenarioDomain, string[]> People = new Dictionary<ScenarioDomain, string[]>
    {
        [ScenarioDomain.Sales] = ["buyer", "prospect", "founder", "director", "client", "purchaser"],
        [ScenarioDomain.Support] = ["caller", "customer", "subscriber", "user", "shopper", "tenant"],
        [ScenarioDomain.Collections] = ["borrower", "customer", "debtor", "tenant", "cardholder", "homeowner"],
        [ScenarioDomain.Language] = ["traveller", "guest", "visitor", "student", "diner", "passenger"],
    };

    public static readonly string[] Moods =
    [
        "Sceptical", "Anxious", "Frustrated", "Busy", "Curious", "Impatient", "Polite", "Angry", "Hesitant", "Confused",
        "Demanding", "Friendly", "Elderly", "Loyal", "New", "Returning",
    ];

    public static readonly IReadOnlyDictionary<ScenarioDomain, string[]> TitleVerbs = new Dictionary<ScenarioDomain, string[]>
    {
        [ScenarioDomain.Sales] = ["pushes back on the", "asks about the", "questions the", "wants a better", "compares the", "delays the"],
        [ScenarioDomain.Support] = ["reports a", "chases a", "complains about the", "needs help with the", "disputes the", "asks for a"],
        [ScenarioDomain.Collections] = ["cannot pay the", "disputes the", "asks to spread the", "misses the", "offers a partial", "explains the"],
        [ScenarioDomain.Language] = ["asks about the", "orders at the", "looks for the", "books a", "talks about the", "changes the"],
    };

    public static readonly IReadOnlyDictionary<ScenarioDomain, string[]> Categories = new Dictionary<ScenarioDomain, string[]>
    {
        [ScenarioDomain.Sales] = ["Objection handling", "Discovery", "Closing", "Upselling", "Cold calling", "Renewals", "Negotiation"],
        [ScenarioDomain.Support] = ["Billing", "Technical", "Complaints", "Account access", "Returns", "Deliveries"],
        [ScenarioDomain.Collections] = ["Early arrears", "Hardship", "Payment plans", "Disputes", "Late stage"],
        [ScenarioDomain.Language] = ["Restaurant", "Travel", "Hotel", "Shopping", "Doctor", "Small talk"],
    };

    public static readonly IReadOnlyDictionary<ScenarioDomain, string[]> PhaseNames = new Dictionary<ScenarioDomain, string[]>
    {
        [ScenarioDomain.Sales] = ["Opening", "Discovery", "Objection", "Close"],
        [ScenarioDomain.Support] = ["Greeting and verification", "Diagnosis", "Resolution", "Wrap-up"],
        [ScenarioDomain.Collections] = ["Verification and disclosure", "Understanding the situation", "Negotiating a plan", "Confirming the commitment"],
        [ScenarioDomain.Language] = ["Greeting", "Asking", "Handling a problem", "Saying goodbye"],
    };

    public static readonly IReadOnlyDictionary<ScenarioDomain, string[]> Phrases = new Dictionary<ScenarioDomain, string[]>
    {
        [ScenarioDomain.Sales] =
        [
            "What would make this a yes for you?", "Can I ask what is behind that?", "Let me show you the numbers.",
            "Who else needs to sign off?", "What happens if nothing changes?", "Shall we book the next call now?",
            "That is a fair question.", "Here is what other teams found.",
        ],
        [ScenarioDomain.Support] =
        [
            "I am sorry about the trouble.", "Can you confirm your postcode?", "Let me check that for you.",
            "Here is what I will do next.", "You will get an email today.", "Is there anything else I can help with?",
            "I have noted that on the ticket.", "Could you restart it for me?",
        ],
        [ScenarioDomain.Collections] =
        [
            "This call may be recorded.", "Can you confirm your date of birth?", "I understand this is difficult.",
            "What could you afford each month?", "Let us agree a date that works.", "I will send the plan in writing.",
            "There is free debt advice available.", "Thank you for talking it through.",
        ],
        [ScenarioDomain.Language] =
        [
            "¿Me trae la cuenta, por favor?", "Je voudrais réserver une table.", "Wo ist der Bahnhof?",
            "Vorrei un caffè, per favore.", "¿Cuánto cuesta?", "Une entrée et un plat, s'il vous plaît.",
            "Ich habe eine Reservierung.", "¿Dónde está la farmacia?",
        ],
    };

    public static readonly IReadOnlyDictionary<ScenarioDomain, string[]> Tags = new Dictionary<ScenarioDomain, string[]>
    {
        [ScenarioDomain.Sales] = ["b2b", "saas", "pricing", "renewals", "enterprise", "smb", "outbound", "inbound", "retail", "partners"],
        [ScenarioDomain.Support] = ["telecom", "energy", "ecommerce", "broadband", "billing", "returns", "tier1", "tier2", "mobile", "hardware"],
        [ScenarioDomain.Collections] = ["banking", "utilities", "housing", "cards", "loans", "vulnerable", "regulated", "early", "late", "plans"],
        [ScenarioDomain.Language] = ["spanish", "french", "german", "italian", "a1", "a2", "b1", "b2", "travel", "food"],
    };

    public static readonly string[] CommonTags = ["phone", "chat", "email", "onboarding", "refresher", "assessment", "new-starters", "quick"];

    public static readonly string[] FirstNames =
    [
        "Amira", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Isla", "Jonas", "Kemi", "Luca", "Maya", "Nils",
        "Olga", "Priya", "Quentin", "Rosa", "Sam", "Tariq", "Uma", "Viktor", "Wen", "Yara", "Zoe", "Carmen", "Pierre", "Hans",
    ];

    public static readonly string[] Surnames =
    [
        "Okafor", "Schmidt", "Garcia", "Dubois", "Rossi", "Nowak", "Patel", "Kowalski", "Murphy", "Jensen", "Silva", "Tanaka",
        "Hughes", "Moreau", "Fischer", "Costa", "Lindqvist", "Byrne",
    ];

    public static readonly string[] Traits = ["assertive", "anxious", "sceptical", "chatty", "terse", "warm", "suspicious", "rushed", "detailed", "indecisive"];

    public static readonly IReadOnlyDictionary<ScenarioDomain, string[]> Locales = new Dictionary<ScenarioDomain, string[]>
    {
        [ScenarioDomain.Sales] = ["en-GB", "en-US"],
        [ScenarioDomain.Support] = ["en-GB", "en-US", "en-IE"],
        [ScenarioDomain.Collections] = ["en-GB"],
        [ScenarioDomain.Language] = ["es-ES", "fr-FR", "de-DE", "it-IT"],
    };
}
