package handlers

import (
	"encoding/json"
	"errors"

	"github.com/gofiber/fiber/v3"

	"patt/fault"
	"patt/mito"
)

// mitoListAPI answers GET /api/v1/guild/mito: both collections by id.
func (s *Server) mitoListAPI(c fiber.Ctx) error {
	out := fiber.Map{}
	for _, k := range mitoKinds {
		items, err := mito.List(s.db(c), k.Kind)
		if err != nil {
			return err
		}
		list := make([]fiber.Map, 0, len(items))
		for _, it := range items {
			list = append(list, fiber.Map{"id": it.ID, k.Singular: it.Text})
		}
		out[k.Plural] = list
	}
	return apiOK(c, out)
}

// mitoText reads {"quote": "…"} or {"title": "…"}; when ok is false, err
// says why (400 malformed, 422 missing).
func mitoText(c fiber.Ctx, k mitoKind) (string, bool, error) {
	var body map[string]any
	if err := json.Unmarshal(c.Body(), &body); err != nil {
		return "", false, fault.Malformed("Malformed JSON body.")
	}
	text, isString := body[k.Singular].(string)
	if !isString {
		return "", false, fault.New(fault.KindInvalid, "Field "+k.Singular+" is required.")
	}
	return text, true, nil
}

// mitoMissing names the missing thing as the API does ("Quote not
// found"); every other error goes as it is.
func mitoMissing(k mitoKind, err error) error {
	if errors.Is(err, mito.ErrNotFound) {
		return fault.Wrap(fault.KindNotFound, k.Label+" not found", err)
	}
	return err
}

// mitoCreateAPI handles POST /api/v1/guild/mito/{quotes|titles}.
func (s *Server) mitoCreateAPI(k mitoKind) fiber.Handler {
	return func(c fiber.Ctx) error {
		text, ok, err := mitoText(c, k)
		if !ok {
			return err
		}
		item, err := mito.Add(s.db(c), k.Kind, text)
		if err != nil {
			return mitoMissing(k, err)
		}
		return apiOK(c, fiber.Map{"id": item.ID, k.Singular: item.Text})
	}
}

// mitoUpdateAPI handles PUT /api/v1/guild/mito/{quotes|titles}/{id}.
func (s *Server) mitoUpdateAPI(k mitoKind) fiber.Handler {
	return func(c fiber.Ctx) error {
		text, ok, err := mitoText(c, k)
		if !ok {
			return err
		}
		item, err := mito.Update(s.db(c), k.Kind, idOrZero(c, "id"), text)
		if err != nil {
			return mitoMissing(k, err)
		}
		return apiOK(c, fiber.Map{"id": item.ID, k.Singular: item.Text})
	}
}

// mitoDeleteAPI handles DELETE /api/v1/guild/mito/{quotes|titles}/{id}:
// {"ok":true} with no data (spec identity §8).
func (s *Server) mitoDeleteAPI(k mitoKind) fiber.Handler {
	return func(c fiber.Ctx) error {
		if err := mito.Delete(s.db(c), k.Kind, idOrZero(c, "id")); err != nil {
			return mitoMissing(k, err)
		}
		return c.JSON(Envelope{OK: true})
	}
}
