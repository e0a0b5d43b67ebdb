package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v3"

	"patt/fault"
	"patt/mito"
)

// Mito's corner edits for officers (routes are behind requireRank). Each
// answers htmx with the fragment to swap — the list after an add, the row
// after an edit, nothing after a delete — and a plain form with a redirect
// back to the tab (PRG). Validation errors re-render the form beside the
// text with status 422.

// mitoCreate handles POST /mitos-corner/{quotes|titles}.
func (s *Server) mitoCreate(k mitoKind) fiber.Handler {
	return func(c fiber.Ctx) error {
		text := c.FormValue("text")
		_, err := mito.Add(s.db(c), k.Kind, text)
		if err != nil && !isMitoInputError(err) {
			return err
		}
		if !isHTMX(c) {
			if err != nil {
				return c.Redirect().Status(fiber.StatusSeeOther).To("/mitos-corner?tab=" + k.Plural + "&flash=err-mito-empty")
			}
			return c.Redirect().Status(fiber.StatusSeeOther).To("/mitos-corner?tab=" + k.Plural + "&flash=mito-added")
		}
		list, lerr := s.mitoListFor(c, k, 0)
		if lerr != nil {
			return lerr
		}
		status := fiber.StatusOK
		if err != nil {
			status, list.Error, list.Draft = fiber.StatusUnprocessableEntity, fault.MessageOf(err), text
		}
		return s.renderPartial(c, status, "partials/mito/list", list)
	}
}

// mitoEdit handles GET …/{id}/edit: the row as an edit form.
func (s *Server) mitoEdit(k mitoKind) fiber.Handler {
	return func(c fiber.Ctx) error {
		return s.mitoRowFragment(c, k, true)
	}
}

// mitoRowShow handles GET …/{id}: the row as shown (cancelling an edit).
func (s *Server) mitoRowShow(k mitoKind) fiber.Handler {
	return func(c fiber.Ctx) error {
		return s.mitoRowFragment(c, k, false)
	}
}

func (s *Server) mitoRowFragment(c fiber.Ctx, k mitoKind, editing bool) error {
	id := idOrZero(c, "id")
	if !isHTMX(c) {
		to := "/mitos-corner?tab=" + k.Plural
		if editing {
			to += "&edit=" + c.Params("id")
		}
		return c.Redirect().Status(fiber.StatusSeeOther).To(to)
	}
	item, err := mito.Get(s.db(c), k.Kind, id)
	if errors.Is(err, mito.ErrNotFound) {
		return fault.Wrap(fault.KindNotFound, "That "+k.Singular+" no longer exists.", err)
	}
	if err != nil {
		return err
	}
	row := &mitoRow{Kind: k, Item: item, CanEdit: true, Editing: editing, CSRF: csrfToken(c)}
	return s.renderPartial(c, fiber.StatusOK, "partials/mito/row", row)
}

// mitoUpdate handles POST …/{id}: save the edited text.
func (s *Server) mitoUpdate(k mitoKind) fiber.Handler {
	return func(c fiber.Ctx) error {
		id := idOrZero(c, "id")
		text := c.FormValue("text")
		item, err := mito.Update(s.db(c), k.Kind, id, text)
		if errors.Is(err, mito.ErrNotFound) {
			return fault.Wrap(fault.KindNotFound, "That "+k.Singular+" no longer exists.", err)
		}
		if err != nil && !isMitoInputError(err) {
			return err
		}
		if !isHTMX(c) {
			if err != nil {
				return c.Redirect().Status(fiber.StatusSeeOther).To("/mitos-corner?tab=" + k.Plural + "&flash=err-mito-empty")
			}
			return c.Redirect().Status(fiber.StatusSeeOther).To("/mitos-corner?tab=" + k.Plural + "&flash=mito-saved")
		}
		row := &mitoRow{Kind: k, Item: item, CanEdit: true, CSRF: csrfToken(c)}
		status := fiber.StatusOK
		if err != nil {
			status = fiber.StatusUnprocessableEntity
			row.Item, row.Editing, row.Error = mito.Item{ID: id, Text: text}, true, fault.MessageOf(err)
		}
		return s.renderPartial(c, status, "partials/mito/row", row)
	}
}

// mitoDelete handles POST …/{id}/delete.
func (s *Server) mitoDelete(k mitoKind) fiber.Handler {
	return func(c fiber.Ctx) error {
		err := mito.Delete(s.db(c), k.Kind, idOrZero(c, "id"))
		if err != nil && !errors.Is(err, mito.ErrNotFound) {
			return err
		}
		if !isHTMX(c) {
			return c.Redirect().Status(fiber.StatusSeeOther).To("/mitos-corner?tab=" + k.Plural + "&flash=mito-deleted")
		}
		// An empty 200 swaps the row away (already gone is fine too).
		return sendHTML(c, fiber.StatusOK, nil)
	}
}

// isMitoInputError: the text broke a rule (empty, too long); the form
// shows why.
func isMitoInputError(err error) bool {
	return fault.Is(err, fault.KindInvalid)
}
