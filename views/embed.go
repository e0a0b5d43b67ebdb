// Package views holds the HTML templates, embedded into the binary.
//
// layouts/ wrap a page for a full load; pages/<area>/ are the page bodies,
// rendered alone for htmx requests; partials/ are fragments used inside
// pages and swapped by htmx on their own.
package views

import "embed"

//go:embed layouts pages partials
var FS embed.FS
