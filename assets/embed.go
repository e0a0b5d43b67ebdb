// Package assets holds the static files the web app serves under /assets/:
// the stylesheet, the progressive-enhancement script, vendored htmx and
// SortableJS, the self-hosted fonts and the images. Everything is embedded so
// the binary needs no files beside it and no CDN at run time.
//
// Provenance and licences of the vendored files are listed in VENDORED.md
// (kept next to this file, not embedded).
package assets

import "embed"

// FS is rooted at this directory: paths look like "css/app.css",
// "js/htmx.min.js", "fonts/cinzel-latin-400-normal.woff2", "img/favicon.svg".
//
//go:embed css js fonts img
var FS embed.FS
