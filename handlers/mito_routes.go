package handlers

import (
	"github.com/gofiber/fiber/v3"

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

// registerMitoRoutes adds Mito's corner: open to read, officers edit.
func (s *Server) registerMitoRoutes(app *fiber.App) {
	app.Get("/mitos-corner", s.mitoShow)
	app.Get("/mitos-corner.html", func(c fiber.Ctx) error {
		return c.Redirect().Status(fiber.StatusMovedPermanently).To("/mitos-corner")
	})
	app.Get("/mitos-corner/preview", s.mitoPreview)
	officer := s.requireRank(OfficerLevel)
	for _, k := range mitoKinds {
		base := "/mitos-corner/" + k.Plural
		app.Post(base, officer, s.mitoCreate(k))
		app.Get(base+"/:id/edit", officer, s.mitoEdit(k))
		app.Get(base+"/:id", officer, s.mitoRowShow(k))
		app.Post(base+"/:id", officer, s.mitoUpdate(k))
		app.Post(base+"/:id/delete", officer, s.mitoDelete(k))
	}
}
