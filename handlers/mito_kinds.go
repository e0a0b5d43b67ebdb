package handlers

import (
	"patt/mito"
)

// mitoKind is one of Mito's collections as the pages and API name it.
type mitoKind struct {
	Kind     mito.Kind
	Plural   string // "quotes": URL segment and tab
	Singular string // "quote": JSON field
	Label    string // "Quote"
}

var mitoKinds = []mitoKind{
	{Kind: mito.Quotes, Plural: "quotes", Singular: "quote", Label: "Quote"},
	{Kind: mito.Titles, Plural: "titles", Singular: "title", Label: "Title"},
}
