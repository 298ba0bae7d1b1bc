package fitconnect

// Test hooks for the fuzz targets.
var (
	ParseProblemForTest  = parseProblem
	ParseCallbackForTest = parseCallback
)

// StateOfForTest is the event log's state rule.
var StateOfForTest = stateOf
