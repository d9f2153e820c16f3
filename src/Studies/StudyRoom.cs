namespace Norms.Studies;

/// <summary>
/// The studies room: many seeded runs of one experiment over axes, and their statistics. Pure functions only: a study
/// spec expands to runs, and runs' results reduce to cells and comparisons; running and rendering live above.
/// </summary>
internal static class StudyRoom;
