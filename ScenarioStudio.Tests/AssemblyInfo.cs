// Two cores: service tests run in parallel, but at most two test collections at a time.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
