namespace Platform.ClusterTests.Harness;

/// <summary>The Linux signal numbers the nemesis sends.</summary>
public enum PosixSignal
{
    Term = 15,
    Kill = 9,
    Stop = 19,
    Cont = 18,
}
