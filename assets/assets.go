// Package assets embeds the data files that configure the product: the form
// definitions and the reference tables. A municipality edits these, not Go code.
package assets

import "embed"

// Forms holds forms/*.json: common.json plus one definition per form.
//
//go:embed forms/*.json
var Forms embed.FS

// Reference holds reference/*.json: growth percentiles and similar tables.
//
//go:embed reference/*.json
var Reference embed.FS
