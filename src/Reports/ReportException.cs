namespace Norms.Reports;

/// <summary>A problem with the results folder a report is made from; the message names it and the fix, on one line.</summary>
public sealed class ReportException(string message) : Exception(message);
