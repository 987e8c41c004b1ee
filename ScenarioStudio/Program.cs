using ScenarioStudio.Account;
using ScenarioStudio.Ai;
using ScenarioStudio.Audit;
using ScenarioStudio.Components;
using ScenarioStudio.Data;
using ScenarioStudio.Notifications;
using ScenarioStudio.Organisations;
using ScenarioStudio.Practice;
using ScenarioStudio.Progress;
using ScenarioStudio.Scenarios;

var builder = WebApplication.CreateBuilder(args);

builder.AddDataStorage();
builder.AddAccounts();
builder.AddOrganisations();
builder.AddAudit();
builder.AddNotifications();
builder.AddScenarios();
builder.AddAi();
builder.AddPractice();
builder.AddProgress();
builder.AddWebUi();
builder.AddReverseProxy();

var app = builder.Build();

await app.Services.PrepareDatabaseAsync();
await app.Services.SeedLibraryAsync();

app.UseReverseProxy();
app.UseAudit();
app.UseWebUi();
app.MapWebUi();
app.MapAccounts();
app.MapOrganisations();
app.MapDataStorage();
app.MapProgressExports();
app.MapAudit();

app.Run();

public partial class Program { }
