package handlers

import (
	"encoding/json"
	"errors"

	"github.com/gofiber/fiber/v3"

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

// mitoText reads {"quote": "…"} or {"title": "…"}; ok false means the
// answer (400) was already sent.
func mitoText(c fiber.Ctx, k mitoKind) (string, bool, error) {
	var body map[string]any
	if err := json.Unmarshal(c.Body(), &body); err != nil {
		return "", false, apiError(c, fiber.StatusBadRequest, "Malformed JSON body.")
	}
	text, isString := body[k.Singular].(string)
	if !isString {
		return "", false, apiError(c, fiber.StatusUnprocessableEntity, "Field "+k.Singular+" is required.")
	}
	return text, true, nil
}

func mitoAPIError(c fiber.Ctx, k mitoKind, err error) error {
	switch {
	case errors.Is(err, mito.ErrNotFound):
		return apiError(c, fiber.StatusNotFound, k.Label+" not found")
	case isMitoInputError(err):
		return apiError(c, fiber.StatusUnprocessableEntity, err.Error())
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
			return mitoAPIError(c, k, err)
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
		item, err := mito.Update(s.db(c), k.Kind, fiber.Params[int](c, "id"), text)
		if err != nil {
			return mitoAPIError(c, k, err)
		}
		return apiOK(c, fiber.Map{"id": item.ID, k.Singular: item.Text})
	}
}

// mitoDeleteAPI handles DELETE /api/v1/guild/mito/{quotes|titles}/{id}:
// {"ok":true} with no data (spec identity §8).
func (s *Server) mitoDeleteAPI(k mitoKind) fiber.Handler {
	return func(c fiber.Ctx) error {
		if err := mito.Delete(s.db(c), k.Kind, fiber.Params[int](c, "id")); err != nil {
			return mitoAPIError(c, k, err)
		}
		return c.JSON(Envelope{OK: true})
	}
}
