package store

import "kenshin/internal/recordjson"

// The record values text is internal/recordjson's, shared with the other
// backend so both read and write the same bytes.
var (
	encodeValues = recordjson.Encode
	encodeDiff   = recordjson.EncodeDiff
	decodeValues = recordjson.Decode
)
