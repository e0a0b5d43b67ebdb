package blizzard_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

func stringsReader(s string) io.Reader { return strings.NewReader(s) }

func decode(resp *http.Response, out any) error { return json.NewDecoder(resp.Body).Decode(out) }
