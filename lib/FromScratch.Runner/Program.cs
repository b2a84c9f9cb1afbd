using FromScratch.Runner;

return await RunnerCli.MainAsync(args);
