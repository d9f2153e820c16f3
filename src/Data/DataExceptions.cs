namespace Norms.Data;

/// <summary>
/// A data problem the user can fix (bad file, missing file, no network). The message is one line
/// naming the file, the problem and the fix, so the CLI can print it as is.
/// </summary>
public abstract class DataException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A data file exists but its content is not what the format promises.</summary>
public sealed class DataFormatException(string message, Exception? inner = null) : DataException(message, inner);

/// <summary>A data file is missing and could not be fetched (offline, 404, failed checksum).</summary>
public sealed class DataUnavailableException(string message, Exception? inner = null) : DataException(message, inner);
