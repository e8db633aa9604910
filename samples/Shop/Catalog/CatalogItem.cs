namespace Shop.Catalog;

/// <summary>A catalog entry as PUT: its name, unit price and the stock to set.</summary>
public sealed record CatalogItem(string Name, long Price, long Stock);
