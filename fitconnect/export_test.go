package fitconnect

// Test hooks for the fuzz targets.
var (
	ParseProblemForTest  = parseProblem
	ParseCallbackForTest = parseCallback
)
