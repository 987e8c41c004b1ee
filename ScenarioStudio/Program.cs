using ScenarioStudio;
using ScenarioStudio.Account;
using ScenarioStudio.Components;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Progress;
using ScenarioStudio.Scenarios;

var builder = WebApplication.CreateBuilder(args);

builder.AddScenarioStudio();
builder.AddWebUi();
builder.AddReverseProxy();

var app = builder.Build();

await app.Services.PrepareDatabaseAsync();
await app.Services.SeedLibraryAsync();
await app.Services.RecordFirstVersionsAsync();

app.UseReverseProxy();
app.UseWebUi();
app.MapWebUi();
app.MapAccounts();
app.MapOrganisations();
app.MapDataStorage();
app.MapProgressExports();

app.Run();

public partial class Program { }
