namespace Simulator.Storage.RunFolders;

/// <summary>Shortens quoted file content in error messages.</summary>
internal static class ErrorSnippet
{
    // Keeps messages one readable line even when a file holds garbage.
    public static string Clip(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
