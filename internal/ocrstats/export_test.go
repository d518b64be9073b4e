package ocrstats

// Trail is the synthetic trail of the tests, for the workbook test.
var Trail = trail
