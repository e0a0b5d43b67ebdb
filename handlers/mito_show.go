package handlers

import (
	"math/rand/v2"

	"github.com/gofiber/fiber/v3"

	"patt/mito"
)

// mitoPage is Mito's corner: the two collections and a random preview.
type mitoPage struct {
	Tab     string
	Tabs    []rosterTabLink
	Lists   []*mitoList
	Preview mito.Pick
}

// mitoList is one collection with, for officers, its add form.
type mitoList struct {
	Kind    mitoKind
	Rows    []*mitoRow
	CanEdit bool
	CSRF    string
	Draft   string
	Error   string
}

// mitoRow is one quote or title, shown or (for officers) being edited.
type mitoRow struct {
	Kind    mitoKind
	Item    mito.Item
	CanEdit bool
	Editing bool
	CSRF    string
	Error   string
}

// mitoShow renders GET /mitos-corner (?tab=quotes|titles|preview). Without
// JavaScript, ?edit=<id> opens that row's edit form.
func (s *Server) mitoShow(c fiber.Ctx) error {
	tab := c.Query("tab", "quotes")
	if tab != "titles" && tab != "preview" {
		tab = "quotes"
	}
	page := &mitoPage{Tab: tab}
	for _, t := range []struct{ key, label string }{{"quotes", "Quotes"}, {"titles", "Titles"}, {"preview", "Preview"}} {
		page.Tabs = append(page.Tabs, rosterTabLink{Label: t.label, Href: "/mitos-corner?tab=" + t.key, Active: t.key == tab})
	}
	editing := fiber.Query[int](c, "edit")
	for _, k := range mitoKinds {
		list, err := s.mitoListFor(c, k, editing)
		if err != nil {
			return err
		}
		page.Lists = append(page.Lists, list)
	}
	pick, err := mito.Random(s.db(c), rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())))
	if err != nil {
		return err
	}
	page.Preview = pick
	return s.render(c, fiber.StatusOK, "pages/mito/index", &Page{Title: "Mito's Corner", Data: page})
}

func (s *Server) mitoListFor(c fiber.Ctx, k mitoKind, editing int) (*mitoList, error) {
	items, err := mito.List(s.db(c), k.Kind)
	if err != nil {
		return nil, err
	}
	canEdit := viewerOf(c).IsOfficer()
	list := &mitoList{Kind: k, CanEdit: canEdit, CSRF: csrfToken(c)}
	for _, it := range items {
		list.Rows = append(list.Rows, &mitoRow{Kind: k, Item: it, CanEdit: canEdit, CSRF: list.CSRF,
			Editing: canEdit && editing == it.ID && c.Query("tab") == k.Plural})
	}
	return list, nil
}

// mitoPreview renders GET /mitos-corner/preview: a new random quote and
// title (the shuffle button). Without htmx it is the preview tab.
func (s *Server) mitoPreview(c fiber.Ctx) error {
	if !isHTMX(c) {
		return c.Redirect().Status(fiber.StatusSeeOther).To("/mitos-corner?tab=preview")
	}
	pick, err := mito.Random(s.db(c), rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())))
	if err != nil {
		return err
	}
	return s.renderPartial(c, fiber.StatusOK, "partials/mito/preview", pick)
}
