using ScenarioStudio;
using ScenarioStudio.Account;
using ScenarioStudio.Audit;
using ScenarioStudio.Components;
using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Programs;
using ScenarioStudio.Progress;
using ScenarioStudio.ScaleOut;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Scenarios.Categories;
using ScenarioStudio.Scenarios.Personas;
using ScenarioStudio.Scenarios.Transfer;
using ScenarioStudio.Schedules;

// A command instead of the web app: moving an install from its SQLite file to PostgreSQL (README "Scale-out").
if (args is [CopyToPostgresCommand.Name, .. var copyArgs]) return await CopyToPostgresCommand.RunAsync(copyArgs);

var builder = WebApplication.CreateBuilder(args);

builder.AddScenarioStudio();
builder.AddWebUi();
builder.AddReverseProxy();

var app = builder.Build();

app.Services.ConnectScaleOut();
await app.Services.PrepareDatabaseAsync();
await app.Services.SeedLibraryAsync();
await CategoryService.SyncAsync(app.Services);
await app.Services.RecordFirstVersionsAsync();

app.UseReverseProxy();
app.UseAudit();
app.UseWebUi();
app.MapWebUi();
app.MapAccounts();
app.MapOrganisations();
app.MapDataStorage();
app.MapProgressExports();
app.MapProgramExports();
app.MapAudit();
app.MapOperator();
app.MapScenarioTransfer();
app.MapPersonaCards();
app.MapCalendarFeeds();

app.Run();
return 0;

public partial class Program { }
