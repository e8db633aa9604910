namespace Shop;

/// <summary>What <see cref="ShopEffects.ApplyOnceAsync"/> did.</summary>
public enum EffectOutcome
{
    /// <summary>The effect's writes committed now.</summary>
    Applied,

    /// <summary>An earlier call with the same Idempotency-Key applied it; nothing changed.</summary>
    AlreadyApplied,

    /// <summary>The effect's own conditions did not hold (out of stock, no reservation); nothing changed.</summary>
    Refused,
}
