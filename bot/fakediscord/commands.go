package fakediscord

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
)

// Application commands: the bot registers guild commands by bulk
// overwrite (PUT /applications/{app}/guilds/{guild}/commands), checked as
// Discord checks them; users run them (Command) and type into autocomplete
// options (Autocomplete). A command is only offered where Discord would
// offer it: in the guild to members whose permissions cover its
// default_member_permissions, in DMs only when dm_permission allows.

// Command is a registered application command as Discord returns it.
type Command struct {
	ID                       string           `json:"id"`
	ApplicationID            string           `json:"application_id"`
	GuildID                  string           `json:"guild_id"`
	Name                     string           `json:"name"`
	Description              string           `json:"description"`
	Type                     int              `json:"type"`
	Options                  []map[string]any `json:"options,omitempty"`
	DefaultMemberPermissions *string          `json:"default_member_permissions"`
	DMPermission             *bool            `json:"dm_permission,omitempty"`
	Version                  string           `json:"version"`
}

var commandName = regexp.MustCompile(`^[-_\p{Ll}\p{N}]{1,32}$`)

// Commands is the guild's registered commands.
func (s *Server) Commands() []Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Command(nil), s.commands...)
}

func (s *Server) bulkOverwrite(w http.ResponseWriter, app, guild string, body []byte) {
	if app != s.Bot.ID {
		writeJSON(w, 403, errBody(50001, "Missing Access"))
		return
	}
	if guild != s.GuildID {
		writeJSON(w, 404, errBody(CodeUnknownGuild, "Unknown Guild"))
		return
	}
	var in []Command
	if err := json.Unmarshal(body, &in); err != nil {
		writeJSON(w, 400, errBody(CodeInvalidFormBody, "Invalid Form Body"))
		return
	}
	if len(in) > 100 {
		writeJSON(w, 400, formError("_", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length."))
		return
	}
	seen := map[string]bool{}
	for i, c := range in {
		at := strconv.Itoa(i)
		if c.Type == 0 {
			c.Type = 1
		}
		if !commandName.MatchString(c.Name) {
			writeJSON(w, 400, formError(at+".name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"))
			return
		}
		if seen[c.Name] {
			writeJSON(w, 400, formError(at+".name", "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique"))
			return
		}
		seen[c.Name] = true
		if n := len([]rune(c.Description)); c.Type == 1 && (n < 1 || n > 100) {
			writeJSON(w, 400, formError(at+".description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."))
			return
		}
		if len(c.Options) > 25 {
			writeJSON(w, 400, formError(at+".options", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."))
			return
		}
		optional := false
		for j, o := range c.Options {
			oat := fmt.Sprintf("%s.options.%d", at, j)
			name, _ := o["name"].(string)
			desc, _ := o["description"].(string)
			typ := num(o["type"])
			if !commandName.MatchString(name) {
				writeJSON(w, 400, formError(oat+".name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"))
				return
			}
			if n := len([]rune(desc)); n < 1 || n > 100 {
				writeJSON(w, 400, formError(oat+".description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."))
				return
			}
			if typ < 3 || typ > 11 {
				writeJSON(w, 400, formError(oat+".type", "BASE_TYPE_CHOICES", "Value must be one of {3..11}."))
				return
			}
			req, _ := o["required"].(bool)
			if req && optional {
				writeJSON(w, 400, formError(oat+".required", "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options"))
				return
			}
			optional = optional || !req
			if ac, _ := o["autocomplete"].(bool); ac && (typ != 3 && typ != 4 && typ != 10 || o["choices"] != nil) {
				writeJSON(w, 400, formError(oat+".autocomplete", "AUTOCOMPLETE_INVALID", "Autocomplete is for string, integer and number options without choices"))
				return
			}
		}
		c.ID, c.ApplicationID, c.GuildID, c.Version = s.id(), app, guild, s.id()
		in[i] = c
	}
	s.commands = in
	writeJSON(w, 200, in)
}

func (s *Server) commandLocked(name string) *Command {
	for i := range s.commands {
		if s.commands[i].Name == name {
			return &s.commands[i]
		}
	}
	return nil
}

// memberPermissions is the bit field of a member's roles (with @everyone).
func (s *Server) memberPermissions(m *Member) uint64 {
	var p uint64
	if r := s.roles[s.GuildID]; r != nil {
		v, _ := strconv.ParseUint(r.Permissions, 10, 64)
		p |= v
	}
	for _, id := range m.Roles {
		if r := s.roles[id]; r != nil {
			v, _ := strconv.ParseUint(r.Permissions, 10, 64)
			p |= v
		}
	}
	return p
}

// IgnoreCommandVisibility lets Command run a command where Discord would
// not offer it (a stale client, a crafted request), to test the bot's own
// refusals.
func (s *Server) SetIgnoreCommandVisibility(v bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ignoreVisibility = v
}

// Command runs a slash command as a user: in the guild (channelID a guild
// channel) or in the user's DM with the bot (channelID ""). Options are by
// name; a user option takes the user id.
func (s *Server) Command(userID, channelID, name string, options map[string]string) (*Interaction, error) {
	return s.commandInteraction(InteractionCommand, userID, channelID, name, options, "")
}

// Autocomplete types partial into an autocomplete option of a command.
func (s *Server) Autocomplete(userID, channelID, name, option, partial string) (*Interaction, error) {
	return s.commandInteraction(InteractionAutocomplete, userID, channelID, name, map[string]string{option: partial}, option)
}

func (s *Server) commandInteraction(typ int, userID, channelID, name string, options map[string]string, focused string) (*Interaction, error) {
	s.mu.Lock()
	u := s.users[userID]
	cmd := s.commandLocked(name)
	if u == nil || cmd == nil {
		s.mu.Unlock()
		return nil, fmt.Errorf("fakediscord: unknown user %s or command /%s", userID, name)
	}
	var msg Message
	if channelID == "" {
		if !s.ignoreVisibility && (cmd.DMPermission == nil || !*cmd.DMPermission) {
			s.mu.Unlock()
			return nil, fmt.Errorf("fakediscord: /%s is not offered in DMs", name)
		}
		msg.ChannelID = s.dmChannelLocked(u).ID
	} else {
		m := s.members[userID]
		if m == nil || s.channels[channelID] == nil {
			s.mu.Unlock()
			return nil, fmt.Errorf("fakediscord: %s is not a member or channel %s is unknown", userID, channelID)
		}
		if cmd.DefaultMemberPermissions != nil && !s.ignoreVisibility {
			need, _ := strconv.ParseUint(*cmd.DefaultMemberPermissions, 10, 64)
			if s.memberPermissions(m)&need != need {
				s.mu.Unlock()
				return nil, fmt.Errorf("fakediscord: /%s is hidden from %s (default_member_permissions %s)", name, userID, *cmd.DefaultMemberPermissions)
			}
		}
		msg.ChannelID = channelID
	}
	var opts []map[string]any
	resolvedUsers, resolvedMembers := map[string]any{}, map[string]any{}
	for _, def := range cmd.Options {
		oname, _ := def["name"].(string)
		v, ok := options[oname]
		if !ok {
			if req, _ := def["required"].(bool); req && focused == "" {
				s.mu.Unlock()
				return nil, fmt.Errorf("fakediscord: /%s needs option %s", name, oname)
			}
			continue
		}
		o := map[string]any{"name": oname, "type": num(def["type"]), "value": v}
		if oname == focused {
			o["focused"] = true
		}
		if num(def["type"]) == 6 {
			ou := s.users[v]
			if ou == nil {
				s.mu.Unlock()
				return nil, fmt.Errorf("fakediscord: option %s: unknown user %s", oname, v)
			}
			resolvedUsers[v] = ou
			if om := s.members[v]; om != nil {
				mj := s.memberJSON(om)
				delete(mj, "user")
				resolvedMembers[v] = mj
			}
		}
		opts = append(opts, o)
	}
	for k := range options {
		found := false
		for _, def := range cmd.Options {
			if def["name"] == k {
				found = true
			}
		}
		if !found {
			s.mu.Unlock()
			return nil, fmt.Errorf("fakediscord: /%s has no option %s", name, k)
		}
	}
	data := map[string]any{"id": cmd.ID, "name": cmd.Name, "type": 1, "options": opts,
		"resolved": map[string]any{"users": resolvedUsers, "members": resolvedMembers}}
	in, d := s.interactionLocked(typ, u, msg, data)
	in.CustomID = "/" + name
	delete(d, "message")
	s.mu.Unlock()
	s.dispatchIntent("INTERACTION_CREATE", d, 0)
	return in, nil
}

// SetRolePermissions sets a role's permission bit field.
func (s *Server) SetRolePermissions(roleID, perms string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.roles[roleID]; r != nil {
		r.Permissions = perms
	}
}
