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
app.MapScenarioTransfer();
app.MapPersonaCards();
app.MapCalendarFeeds();

app.Run();

public partial class Program { }
