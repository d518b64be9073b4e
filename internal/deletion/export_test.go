package deletion

// The synthetic record of the tests, for the writer's test.
var (
	RecordFor = record
	Sample    = sample
)
