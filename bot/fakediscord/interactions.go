package fakediscord

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Interactions: a user clicks a button, picks from a select menu, submits
// a form or types a DM, and the fake dispatches what Discord would
// (INTERACTION_CREATE, MESSAGE_CREATE) and takes the bot's answer on the
// callback endpoint, as strictly as Discord: one answer per interaction,
// within InteractionTimeout, of a type the interaction allows, with
// components within Discord's limits.

// Interaction and callback codes.
const (
	CodeUnknownInteraction  = 10062
	CodeAlreadyAcknowledged = 40060
)

// Interaction types (Discord's numbers).
const (
	InteractionCommand      = 2
	InteractionComponent    = 3
	InteractionAutocomplete = 4
	InteractionModalSubmit  = 5
)

// Interaction is one interaction the fake dispatched, with the bot's
// answer once it came.
type Interaction struct {
	ID, Token string
	Type      int
	UserID    string
	ChannelID string
	MessageID string // the message whose component was used
	CustomID  string
	Created   time.Time
	// Response is the bot's accepted answer (nil until it answered);
	// Refusals are answers the fake refused (status and Discord's body).
	Response *Response
	Refusals []string
	answered chan struct{}
}

// Response is an accepted interaction answer.
type Response struct {
	Type int
	Data map[string]any
}

// Message the fake holds, by id (a copy).
func (s *Server) Message(id string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.messages {
		if m.ID == id {
			return m, true
		}
	}
	return Message{}, false
}

// DMsTo is the messages in the DM channel of a user (the bot's and the
// user's), oldest first, ephemeral answers included.
func (s *Server) DMsTo(userID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if c := s.channels[m.ChannelID]; c != nil && c.Type == 1 && c.Recipients[0].ID == userID {
			out = append(out, m)
		}
	}
	return out
}

func (s *Server) dmChannelLocked(u *User) *Channel {
	for _, c := range s.channels {
		if c.Type == 1 && c.Recipients[0].ID == u.ID {
			return c
		}
	}
	c := &Channel{ID: s.id(), Type: 1, Recipients: []*User{u}}
	s.channels[c.ID] = c
	return c
}

// UserSays makes a user type a DM to the bot: the message is stored and
// MESSAGE_CREATE (no guild_id) is dispatched to connections with the
// DIRECT_MESSAGES intent.
func (s *Server) UserSays(userID, text string) (Message, error) {
	s.mu.Lock()
	u := s.users[userID]
	if u == nil {
		s.mu.Unlock()
		return Message{}, fmt.Errorf("fakediscord: unknown user %s", userID)
	}
	c := s.dmChannelLocked(u)
	msg := Message{ID: s.id(), ChannelID: c.ID, Content: text, AuthorID: u.ID}
	s.messages = append(s.messages, msg)
	d := map[string]any{"id": msg.ID, "channel_id": c.ID, "author": u, "content": text,
		"timestamp": time.Now().UTC().Format(time.RFC3339), "type": 0, "embeds": []any{}, "attachments": []any{},
		"mentions": []any{}, "tts": false, "mention_everyone": false, "pinned": false}
	s.mu.Unlock()
	s.dispatchIntent("MESSAGE_CREATE", d, IntentDirectMessages)
	return msg, nil
}

func (s *Server) dispatchIntent(t string, d any, intent int) {
	s.mu.Lock()
	var conns []*gwConn
	for c := range s.conns {
		if c.sess != nil && (intent == 0 || c.sess.intent&intent != 0) {
			conns = append(conns, c)
		}
	}
	s.mu.Unlock()
	for _, c := range conns {
		s.dispatchTo(c, t, d)
	}
}

// findComponent finds a component of a message by custom_id.
func findComponent(m Message, customID string) map[string]any {
	for _, row := range m.Components {
		inner, _ := row["components"].([]any)
		for _, c := range inner {
			cm, _ := c.(map[string]any)
			if id, _ := cm["custom_id"].(string); id == customID {
				return cm
			}
		}
	}
	return nil
}

func num(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case int:
		return n
	}
	return 0
}

// interactionLocked builds and registers an interaction of a user on a
// message.
func (s *Server) interactionLocked(typ int, u *User, msg Message, data map[string]any) (*Interaction, map[string]any) {
	in := &Interaction{ID: s.id(), Token: "itok-" + s.id(), Type: typ, UserID: u.ID, ChannelID: msg.ChannelID,
		MessageID: msg.ID, Created: time.Now(), answered: make(chan struct{})}
	in.CustomID, _ = data["custom_id"].(string)
	s.interactions[in.ID] = in
	c := s.channels[msg.ChannelID]
	d := map[string]any{"id": in.ID, "application_id": s.Bot.ID, "type": typ, "data": data, "token": in.Token,
		"version": 1, "channel_id": msg.ChannelID, "locale": "en-US", "app_permissions": "0",
		"message": map[string]any{"id": msg.ID, "channel_id": msg.ChannelID, "content": msg.Content, "embeds": msg.Embeds,
			"components": msg.Components, "author": s.Bot, "type": 0, "timestamp": time.Now().UTC().Format(time.RFC3339)}}
	if c != nil && c.Type == 1 {
		d["user"] = u
		d["channel"] = map[string]any{"id": c.ID, "type": 1}
	} else {
		mem := s.members[u.ID]
		mj := s.memberJSON(mem)
		mj["permissions"] = "0"
		d["member"] = mj
		d["guild_id"] = s.GuildID
		d["channel"] = map[string]any{"id": msg.ChannelID, "type": 0, "guild_id": s.GuildID}
	}
	return in, d
}

// mayUse checks the user can see the message: the DM's recipient, or a
// member of the guild for a guild channel.
func (s *Server) mayUse(u *User, msg Message) error {
	c := s.channels[msg.ChannelID]
	if c == nil {
		return fmt.Errorf("fakediscord: channel %s gone", msg.ChannelID)
	}
	if c.Type == 1 && c.Recipients[0].ID != u.ID {
		return fmt.Errorf("fakediscord: user %s cannot see DM %s", u.ID, msg.ID)
	}
	if c.Type == 0 && s.members[u.ID] == nil {
		return fmt.Errorf("fakediscord: user %s is not a member", u.ID)
	}
	return nil
}

func (s *Server) userAndMessage(userID, messageID string) (*User, Message, error) {
	u := s.users[userID]
	if u == nil {
		return nil, Message{}, fmt.Errorf("fakediscord: unknown user %s", userID)
	}
	for _, m := range s.messages {
		if m.ID == messageID {
			if m.Ephemeral && m.RecipientID != userID {
				break
			}
			return u, m, s.mayUse(u, m)
		}
	}
	return nil, Message{}, fmt.Errorf("fakediscord: unknown message %s", messageID)
}

// Click presses a button of a message as a user and dispatches the
// INTERACTION_CREATE. The button must exist on the message as it is now
// and not be disabled.
func (s *Server) Click(userID, messageID, customID string) (*Interaction, error) {
	s.mu.Lock()
	u, msg, err := s.userAndMessage(userID, messageID)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	c := findComponent(msg, customID)
	if c == nil || num(c["type"]) != 2 {
		s.mu.Unlock()
		return nil, fmt.Errorf("fakediscord: message %s has no button %q", messageID, customID)
	}
	if dis, _ := c["disabled"].(bool); dis {
		s.mu.Unlock()
		return nil, fmt.Errorf("fakediscord: button %q is disabled", customID)
	}
	in, d := s.interactionLocked(InteractionComponent, u, msg, map[string]any{"custom_id": customID, "component_type": 2})
	s.mu.Unlock()
	s.dispatchIntent("INTERACTION_CREATE", d, 0)
	return in, nil
}

// Choose picks values from a select menu of a message.
func (s *Server) Choose(userID, messageID, customID string, values ...string) (*Interaction, error) {
	s.mu.Lock()
	u, msg, err := s.userAndMessage(userID, messageID)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	c := findComponent(msg, customID)
	if c == nil || num(c["type"]) != 3 {
		s.mu.Unlock()
		return nil, fmt.Errorf("fakediscord: message %s has no select menu %q", messageID, customID)
	}
	minV, maxV := 1, 1
	if v, ok := c["min_values"]; ok {
		minV = num(v)
	}
	if v, ok := c["max_values"]; ok && num(v) > 0 {
		maxV = num(v)
	}
	if len(values) < minV || len(values) > maxV {
		s.mu.Unlock()
		return nil, fmt.Errorf("fakediscord: select %q takes %d..%d values, got %d", customID, minV, maxV, len(values))
	}
	opts, _ := c["options"].([]any)
	for _, v := range values {
		ok := false
		for _, o := range opts {
			om, _ := o.(map[string]any)
			if om["value"] == v {
				ok = true
			}
		}
		if !ok {
			s.mu.Unlock()
			return nil, fmt.Errorf("fakediscord: select %q has no option %q", customID, v)
		}
	}
	in, d := s.interactionLocked(InteractionComponent, u, msg, map[string]any{"custom_id": customID, "component_type": 3, "values": values})
	s.mu.Unlock()
	s.dispatchIntent("INTERACTION_CREATE", d, 0)
	return in, nil
}

// SubmitModal fills in and submits the form the bot opened in answer to
// from (a type 9 response); values are by text input custom_id.
func (s *Server) SubmitModal(from *Interaction, values map[string]string) (*Interaction, error) {
	s.mu.Lock()
	if from.Response == nil || from.Response.Type != 9 {
		s.mu.Unlock()
		return nil, fmt.Errorf("fakediscord: interaction %s did not open a modal", from.ID)
	}
	modal := from.Response.Data
	u := s.users[from.UserID]
	var msg Message
	for _, m := range s.messages {
		if m.ID == from.MessageID {
			msg = m
		}
	}
	var rows []any
	comps, _ := modal["components"].([]any)
	for _, row := range comps {
		rm, _ := row.(map[string]any)
		inner, _ := rm["components"].([]any)
		for _, c := range inner {
			cm, _ := c.(map[string]any)
			id, _ := cm["custom_id"].(string)
			v := values[id]
			if req, ok := cm["required"].(bool); (!ok || req) && v == "" {
				s.mu.Unlock()
				return nil, fmt.Errorf("fakediscord: the form's field %q is required", id)
			}
			if ml := num(cm["max_length"]); ml > 0 && len([]rune(v)) > ml {
				s.mu.Unlock()
				return nil, fmt.Errorf("fakediscord: the form's field %q takes at most %d characters", id, ml)
			}
			rows = append(rows, map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": id, "value": v}}})
		}
	}
	in, d := s.interactionLocked(InteractionModalSubmit, u, msg, map[string]any{"custom_id": modal["custom_id"], "components": rows})
	s.mu.Unlock()
	s.dispatchIntent("INTERACTION_CREATE", d, 0)
	return in, nil
}

// Wait blocks until the bot answered the interaction (or timeout).
func (in *Interaction) Wait(timeout time.Duration) bool {
	select {
	case <-in.answered:
		return true
	case <-time.After(timeout):
		return false
	}
}

// Answer is the accepted response (nil before the bot answered).
func (s *Server) Answer(in *Interaction) *Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return in.Response
}

// allowedResponses by interaction type: 4 message, 5 deferred message,
// 6 deferred update, 7 update message, 8 autocomplete result, 9 modal.
var allowedResponses = map[int]map[int]bool{
	InteractionCommand:      {4: true, 5: true, 9: true},
	InteractionComponent:    {4: true, 5: true, 6: true, 7: true, 9: true},
	InteractionAutocomplete: {8: true},
	InteractionModalSubmit:  {4: true, 5: true, 6: true, 7: true},
}

func (s *Server) interactionCallback(w http.ResponseWriter, id, token string, body []byte) {
	in := s.interactions[id]
	if in == nil || in.Token != token || time.Since(in.Created) > s.InteractionTimeout {
		if in != nil {
			in.Refusals = append(in.Refusals, "10062 Unknown interaction (expired)")
		}
		writeJSON(w, 404, errBody(CodeUnknownInteraction, "Unknown interaction"))
		return
	}
	refuse := func(status int, b map[string]any) {
		in.Refusals = append(in.Refusals, fmt.Sprintf("%d %v", status, b))
		writeJSON(w, status, b)
	}
	if in.Response != nil {
		refuse(400, errBody(CodeAlreadyAcknowledged, "Interaction has already been acknowledged."))
		return
	}
	var resp struct {
		Type int            `json:"type"`
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		refuse(400, errBody(CodeInvalidFormBody, "Invalid Form Body"))
		return
	}
	if !allowedResponses[in.Type][resp.Type] {
		refuse(400, formError("type", "INTERACTION_RESPONSE_TYPE_INVALID", fmt.Sprintf("Interaction response type %d is not valid for interaction type %d", resp.Type, in.Type)))
		return
	}
	d := resp.Data
	comps := anyRows(d["components"])
	switch resp.Type {
	case 4:
		content, _ := d["content"].(string)
		embeds := anyMaps(d["embeds"])
		if content == "" && len(embeds) == 0 {
			refuse(400, errBody(CodeEmptyMessage, "Cannot send an empty message"))
			return
		}
		if len([]rune(content)) > 2000 {
			refuse(400, formError("data.content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length."))
			return
		}
		if bad := checkComponents(comps); bad != nil {
			refuse(400, bad)
			return
		}
		msg := Message{ID: s.id(), ChannelID: in.ChannelID, Content: content, Embeds: embeds, Components: comps, AuthorID: s.Bot.ID,
			Ephemeral: num(d["flags"])&64 != 0}
		if c := s.channels[in.ChannelID]; c != nil && c.Type == 1 {
			msg.RecipientID = c.Recipients[0].ID
		} else if msg.Ephemeral {
			msg.RecipientID = in.UserID
		}
		s.messages = append(s.messages, msg)
	case 7:
		if bad := checkComponents(comps); bad != nil {
			refuse(400, bad)
			return
		}
		for i := range s.messages {
			m := &s.messages[i]
			if m.ID != in.MessageID {
				continue
			}
			if v, ok := d["content"].(string); ok {
				if len([]rune(v)) > 2000 {
					refuse(400, formError("data.content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length."))
					return
				}
				m.Content = v
			}
			if v, ok := d["embeds"].([]any); ok {
				m.Embeds = anyMaps(v)
			}
			if _, ok := d["components"].([]any); ok {
				m.Components = comps
			}
			if m.Content == "" && len(m.Embeds) == 0 {
				refuse(400, errBody(CodeEmptyMessage, "Cannot send an empty message"))
				return
			}
		}
	case 8:
		choices := anyMaps(d["choices"])
		if len(choices) > 25 {
			refuse(400, formError("data.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."))
			return
		}
		for k, c := range choices {
			name, _ := c["name"].(string)
			if n := len([]rune(name)); n < 1 || n > 100 || c["value"] == nil {
				refuse(400, formError(fmt.Sprintf("data.choices.%d.name", k), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."))
				return
			}
		}
	case 9:
		if bad := checkModal(d); bad != nil {
			refuse(400, bad)
			return
		}
	}
	in.Response = &Response{Type: resp.Type, Data: d}
	close(in.answered)
	w.WriteHeader(http.StatusNoContent)
}

func anyMaps(v any) []map[string]any {
	list, _ := v.([]any)
	out := []map[string]any{}
	for _, x := range list {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func anyRows(v any) []map[string]any {
	if v == nil {
		return nil
	}
	return anyMaps(v)
}

// checkComponents validates action rows as Discord does; nil when fine.
func checkComponents(rows []map[string]any) map[string]any {
	if len(rows) > 5 {
		return formError("components", "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
	}
	seen := map[string]bool{}
	for i, row := range rows {
		at := "components." + strconv.Itoa(i)
		if num(row["type"]) != 1 {
			return formError(at+".type", "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "Only action rows may be top-level components")
		}
		inner := anyMaps(row["components"])
		if len(inner) == 0 || len(inner) > 5 {
			return formError(at+".components", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
		}
		for j, c := range inner {
			cat := fmt.Sprintf("%s.components.%d", at, j)
			typ := num(c["type"])
			id, _ := c["custom_id"].(string)
			if typ != 2 && len(inner) > 1 {
				return formError(cat+".type", "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "A select menu must be alone in its action row")
			}
			switch typ {
			case 2:
				style := num(c["style"])
				label, _ := c["label"].(string)
				url, _ := c["url"].(string)
				if style < 1 || style > 5 {
					return formError(cat+".style", "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5}.")
				}
				if label == "" && c["emoji"] == nil {
					return formError(cat+".label", "BASE_TYPE_REQUIRED", "This field is required")
				}
				if len([]rune(label)) > 80 {
					return formError(cat+".label", "BASE_TYPE_MAX_LENGTH", "Must be 80 or fewer in length.")
				}
				if style == 5 {
					if url == "" || id != "" {
						return formError(cat+".url", "BUTTON_COMPONENT_INVALID_URL", "A link button needs a url and no custom_id")
					}
					continue
				}
				if url != "" {
					return formError(cat+".url", "BUTTON_COMPONENT_URL_NOT_ALLOWED", "Only link buttons may have a url")
				}
			case 3:
				opts := anyMaps(c["options"])
				if len(opts) == 0 || len(opts) > 25 {
					return formError(cat+".options", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length.")
				}
				values := map[string]bool{}
				for k, o := range opts {
					label, _ := o["label"].(string)
					value, _ := o["value"].(string)
					desc, _ := o["description"].(string)
					oat := fmt.Sprintf("%s.options.%d", cat, k)
					if label == "" || len([]rune(label)) > 100 || value == "" || len([]rune(value)) > 100 || len([]rune(desc)) > 100 {
						return formError(oat, "BASE_TYPE_BAD_LENGTH", "Option label and value must be 1 to 100 long, description at most 100.")
					}
					if values[value] {
						return formError(oat+".value", "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED", "Option values must be unique")
					}
					values[value] = true
				}
				if ph, _ := c["placeholder"].(string); len([]rune(ph)) > 150 {
					return formError(cat+".placeholder", "BASE_TYPE_MAX_LENGTH", "Must be 150 or fewer in length.")
				}
				if mx := num(c["max_values"]); mx > len(opts) {
					return formError(cat+".max_values", "BASE_TYPE_MAX", "max_values exceeds the number of options")
				}
			default:
				return formError(cat+".type", "UNION_TYPE_CHOICES", "Value of field \"type\" must be one of (2, 3, 5, 6, 7, 8).")
			}
			if id == "" {
				return formError(cat+".custom_id", "BASE_TYPE_REQUIRED", "This field is required")
			}
			if len([]rune(id)) > 100 {
				return formError(cat+".custom_id", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
			}
			if seen[id] {
				return formError(cat+".custom_id", "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated")
			}
			seen[id] = true
		}
	}
	return nil
}

// checkModal validates a type 9 answer: custom_id, a title of at most 45,
// one to five rows each holding one text input.
func checkModal(d map[string]any) map[string]any {
	id, _ := d["custom_id"].(string)
	title, _ := d["title"].(string)
	if id == "" || len([]rune(id)) > 100 {
		return formError("data.custom_id", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
	}
	if title == "" || len([]rune(title)) > 45 {
		return formError("data.title", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 45 in length.")
	}
	rows := anyMaps(d["components"])
	if len(rows) == 0 || len(rows) > 5 {
		return formError("data.components", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
	}
	for i, row := range rows {
		inner := anyMaps(row["components"])
		at := fmt.Sprintf("data.components.%d.components.0", i)
		if num(row["type"]) != 1 || len(inner) != 1 || num(inner[0]["type"]) != 4 {
			return formError(at, "COMPONENT_TYPE_INVALID", "A modal row holds exactly one text input")
		}
		c := inner[0]
		cid, _ := c["custom_id"].(string)
		label, _ := c["label"].(string)
		if cid == "" || len([]rune(cid)) > 100 {
			return formError(at+".custom_id", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
		}
		if label == "" || len([]rune(label)) > 45 {
			return formError(at+".label", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 45 in length.")
		}
		if st := num(c["style"]); st != 1 && st != 2 {
			return formError(at+".style", "BASE_TYPE_CHOICES", "Value must be one of {1, 2}.")
		}
	}
	return nil
}

// DoubleClick presses a button twice in quick succession: both
// interactions are dispatched before the bot can answer the first, as
// when a member's client sends two clicks on the message it shows.
func (s *Server) DoubleClick(userID, messageID, customID string) (*Interaction, *Interaction, error) {
	s.mu.Lock()
	u, msg, err := s.userAndMessage(userID, messageID)
	if err != nil {
		s.mu.Unlock()
		return nil, nil, err
	}
	if c := findComponent(msg, customID); c == nil || num(c["type"]) != 2 {
		s.mu.Unlock()
		return nil, nil, fmt.Errorf("fakediscord: message %s has no button %q", messageID, customID)
	}
	data := map[string]any{"custom_id": customID, "component_type": 2}
	in1, d1 := s.interactionLocked(InteractionComponent, u, msg, data)
	in2, d2 := s.interactionLocked(InteractionComponent, u, msg, data)
	s.mu.Unlock()
	s.dispatchIntent("INTERACTION_CREATE", d1, 0)
	s.dispatchIntent("INTERACTION_CREATE", d2, 0)
	return in1, in2, nil
}
