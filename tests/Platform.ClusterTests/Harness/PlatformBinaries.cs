using Platform.Testing.Setup;

namespace Platform.ClusterTests.Harness;

/// <summary>
/// Finds the already-built silo and client host. The harness never builds: scripts/test.sh builds the solution
/// first. Of bin/Release and bin/Debug, the newer build wins, so a local Debug build is picked up as well.
/// </summary>
public static class PlatformBinaries
{
    private static readonly string[] Configurations = ["Release", "Debug"];

    public static string Silo => Find("src/Silo/Platform.Silo", "Platform.Silo.dll");

    public static string ClientHost => Find("src/Client/Platform.Client.Host", "Platform.Client.Host.dll");

    private static string Find(string project, string dll)
    {
        var candidates = Configurations
            .Select(c => RepositoryRoot.Combine(project, "bin", c, "net10.0", dll))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .ToList();
        return candidates.Count > 0
            ? candidates[0]
            : throw new FileNotFoundException(
                $"{dll} is not built under {project}/bin/{{Release,Debug}}/net10.0. Build first: dotnet build Platform.sln -c Release (scripts/test.sh does).");
    }
}
