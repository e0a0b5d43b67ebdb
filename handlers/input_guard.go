package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"mime"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v3"

	"patt/fault"
)

// The input layer (issue 10 item 6). Every request passes guardInput before
// any handler reads it, so no handler has to remember: text holding a NUL
// byte or another control character, text that is not UTF-8, and whole
// numbers outside the 32-bit range of the database's INTEGER columns are
// refused here with a 422 that names the field (400 for a broken address or
// body). Postgres refuses NUL in text and 2147483648 in an INTEGER, which
// used to surface as 500s; SQLite took them silently. Both dialects now see
// the same, clean values.
//
// It reads the query string, form bodies (urlencoded and multipart) and
// JSON bodies — every JSON body whatever its Content-Type, since some
// handlers read JSON that way. The PATTSync upload is machine data with its
// own strict parser (and 64-bit export times), so it is left to that. A
// login is left to auth.Login, which answers any control character in the
// name as wrong credentials: a login never says more than "wrong"
// (TestLoginWithControlCharactersIsJustWrong).

// multiLineFields may hold line breaks: the site's textareas (a Mito quote
// or title, a vote's description, raid notes) and their API twins.
// Anywhere else a line break is as unwelcome as any control character. A
// tab is allowed everywhere: it is white space, which the domain rules trim
// or collapse (a display name's "New \t Guy" is "New Guy").
var multiLineFields = map[string]bool{
	"description": true, "notes": true, "note": true, "text": true, "quote": true,
}

// textFields hold words, where digits are just text ("99999999999" is a
// fine Mito title): no range check.
var textFields = map[string]bool{
	"title": true, "name": true, "label": true, "display_name": true, "discord_username": true, "realm": true,
	"code": true, "password": true, "password2": true, "new_password": true, "current_password": true,
	"confirm_password": true,
}

// bigNumberField names the fields that carry 64-bit ids kept as text
// (Discord snowflakes, Raid-Helper server and template ids): their digits
// are not an INTEGER column's.
func bigNumberField(name string) bool {
	name = strings.ToLower(name)
	return strings.Contains(name, "discord") || strings.HasSuffix(name, "channel_id") ||
		strings.HasPrefix(name, "raid_helper") || strings.HasSuffix(name, "template_id") ||
		strings.HasSuffix(name, "role_id") || name == "guild_id" || name == "server_id"
}

// guardInput is the middleware; it runs after CSRF and authentication have
// had their say and before the routes.
func (s *Server) guardInput(c fiber.Ctx) error {
	path := c.Path()
	if path == addonUploadPath || path == addonUploadLegacyPath || strings.HasPrefix(path, "/assets/") ||
		(c.Method() == fiber.MethodPost && (path == "/login" || path == "/api/v1/auth/login")) {
		return c.Next()
	}
	if !utf8.ValidString(path) || strings.IndexFunc(path, isControl) >= 0 {
		return fault.Malformed("The address contains a control character or is not UTF-8 text.")
	}
	if err := checkArgs(c.Request().URI().QueryArgs().All()); err != nil {
		return err
	}
	switch c.Method() {
	case fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch, fiber.MethodDelete:
	default:
		return c.Next()
	}
	ct, _, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	switch ct {
	case fiber.MIMEApplicationForm:
		if err := checkArgs(c.Request().PostArgs().All()); err != nil {
			return err
		}
	case fiber.MIMEMultipartForm:
		if form, err := c.MultipartForm(); err == nil {
			keys := make([]string, 0, len(form.Value))
			for k := range form.Value {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				for _, v := range form.Value[k] {
					if err := checkField(k, v); err != nil {
						return err
					}
				}
			}
		}
	}
	if body := bytes.TrimSpace(c.Body()); len(body) > 0 && (body[0] == '{' || body[0] == '[') && ct != fiber.MIMEMultipartForm {
		if err := checkJSON(body); err != nil {
			return err
		}
	}
	return c.Next()
}

// checkArgs checks a query string or an urlencoded form, key by key.
func checkArgs(all func(func(k, v []byte) bool)) error {
	var err error
	all(func(k, v []byte) bool {
		err = checkField(string(k), string(v))
		return err == nil
	})
	return err
}

// checkField checks one named form or query value: the text rules, and
// digits that fit a 32-bit integer unless the field holds words or a
// 64-bit id.
func checkField(name, v string) error {
	if err := checkText(name, v); err != nil {
		return err
	}
	lower := strings.ToLower(name)
	if !bigNumberField(name) && !textFields[lower] && !multiLineFields[lower] && looksInteger(v) && !fitsInt32(v) {
		return outOfRange(name)
	}
	return nil
}

// checkText checks one named text value: UTF-8, and no control characters
// (line breaks only in multi-line fields).
func checkText(name, v string) error {
	if !utf8.ValidString(name) || strings.IndexFunc(name, isControl) >= 0 {
		return fault.Malformed("A field name contains a control character or is not UTF-8 text.")
	}
	label := fieldLabel(name)
	if !utf8.ValidString(v) {
		return fault.Invalid(name, label+" is not valid UTF-8 text.")
	}
	if i := strings.IndexFunc(v, controlFor(name)); i >= 0 {
		r, _ := utf8.DecodeRuneInString(v[i:])
		return fault.Invalid(name, fmt.Sprintf("%s contains a control character (U+%04X); remove it.", label, r))
	}
	return nil
}

func outOfRange(name string) error {
	return fault.Invalid(name, fmt.Sprintf("%s is out of range: whole numbers here go from %d to %d.", fieldLabel(name), math.MinInt32, math.MaxInt32))
}

// checkJSON walks a JSON body: every key and string value, every number.
// A body that is not JSON is left to the handler, which names its own
// problem; raw bytes that are not UTF-8 are refused here, because the JSON
// decoder would quietly turn them into U+FFFD.
func checkJSON(body []byte) error {
	if !utf8.Valid(body) {
		return fault.Malformed("The request body is not valid UTF-8 text.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil
	}
	return walkJSON("", v)
}

func walkJSON(name string, v any) error {
	switch x := v.(type) {
	case string:
		// A JSON string is text (its numbers are JSON numbers): only the
		// text rules apply.
		return checkText(leaf(name), x)
	case json.Number:
		s := x.String()
		if looksInteger(s) && !fitsInt32(s) && !bigNumberField(leaf(name)) {
			return outOfRange(leaf(name))
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if strings.IndexFunc(k, isControl) >= 0 {
				return fault.Malformed("A field name contains a control character.")
			}
			if err := walkJSON(k, x[k]); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range x {
			if err := walkJSON(name, e); err != nil {
				return err
			}
		}
	}
	return nil
}

// leaf is the field a value belongs to ("" at the top of the body).
func leaf(name string) string {
	if name == "" {
		return "body"
	}
	return name
}

// fieldLabel is how a message names a field.
func fieldLabel(name string) string {
	if name == "" {
		return "A value"
	}
	return strings.ToUpper(name[:1]) + strings.ReplaceAll(name[1:], "_", " ")
}

// isControl is any C0 control character or DEL.
func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// controlFor is the control-character test for a field: every field keeps
// tab, multi-line fields also line feed and carriage return.
func controlFor(name string) func(rune) bool {
	if multiLineFields[strings.ToLower(name)] {
		return func(r rune) bool { return isControl(r) && r != '\t' && r != '\n' && r != '\r' }
	}
	return func(r rune) bool { return isControl(r) && r != '\t' }
}

// looksInteger: an optional sign and digits only (what strconv.Atoi and
// JSON integers accept).
func looksInteger(s string) bool {
	s = strings.TrimSpace(s)
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func fitsInt32(s string) bool {
	n, ok := new(big.Int).SetString(strings.TrimPrefix(strings.TrimSpace(s), "+"), 10)
	return ok && n.IsInt64() && n.Int64() >= math.MinInt32 && n.Int64() <= math.MaxInt32
}

// idParam reads a positive id from the route; anything else — letters, 0,
// a number beyond the INTEGER range — is no row that can exist.
func idParam(c fiber.Ctx, name string) (int, bool) {
	n, err := strconv.ParseInt(c.Params(name), 10, 32)
	if err != nil || n <= 0 {
		return 0, false
	}
	return int(n), true
}

// atoiParam is strconv.Atoi on a route parameter, bounded to the INTEGER
// range so an id like 2147483648 is an error, never a query.
func atoiParam(c fiber.Ctx, name string) (int, error) {
	n, err := strconv.ParseInt(c.Params(name), 10, 32)
	if err != nil {
		return 0, err
	}
	return int(n), nil
}

// idOrZero is idParam for handlers that treat 0 as "no such row".
func idOrZero(c fiber.Ctx, name string) int {
	n, _ := idParam(c, name)
	return n
}
