-- PATTSync: exports the guild roster (ranks, levels, notes, last online)
-- into the account-wide SavedVariables table PATTSyncDB. WoW writes that
-- table to WTF/Account/<ACCOUNT>/SavedVariables/PATTSync.lua on /reload,
-- logout or exit; the PATT companion uploads the file to the guild site.
--
-- Schema 2 (see the site's guild_sync spec, section 19): schemaVersion,
-- the exporter's name, realm and GUID, the guild's realm, and for each
-- member the GUID, rank index and name, level, class, zone, public note,
-- officer note (only when this character may read them), last online.

local ADDON_NAME = ...
ADDON_NAME = ADDON_NAME or "PATTSync"

local VERSION = "2.0.0"
local SCHEMA_VERSION = 2
local COOLDOWN = 6 * 60 * 60   -- automatic exports at most every 6 hours
local MAX_RETRIES = 3          -- empty roster: ask again this many times
local RETRY_DELAY = 2          -- seconds between those requests
local EXPORT_TIMEOUT = 15      -- a roster that never arrives frees the flag

local GOLD, GREEN, RED, WHITE = "ffd4a84b", "ff4ade80", "fff87171", "ffe8e8e8"

local state = {
    exporting = false,
    exportID = 0,      -- bumps on every request, so a stale timer is ignored
    retries = 0,
    autoDone = false,  -- one automatic export per cooldown window
}

local function colour(c, text) return "|c" .. c .. text .. "|r" end

local function say(c, text)
    print(colour(GOLD, "[PATTSync]") .. " " .. colour(c, text))
end

local function debug(text)
    if PATTSyncDB and PATTSyncDB.debug then
        print(colour(GOLD, "[PATTSync debug]") .. " " .. colour(WHITE, text))
    end
end

local function now()
    if GetServerTime then return GetServerTime() end
    return time()
end

local function duration(seconds)
    seconds = math.floor(seconds)
    if seconds < 60 then return seconds .. " seconds" end
    if seconds < 3600 then return math.floor(seconds / 60) .. " minutes" end
    return math.floor(seconds / 3600) .. "h " .. math.floor((seconds % 3600) / 60) .. "m"
end

-- lastOnline returns the roster's display string and an approximate number
-- of hours since the member was online (0 when online, nil when unknown).
local function lastOnline(index, isOnline)
    if isOnline then return "Online", 0 end
    if not GetGuildRosterLastOnline then return "", nil end
    local y, m, d, h = GetGuildRosterLastOnline(index)
    if y == nil and m == nil and d == nil and h == nil then return "", nil end
    y, m, d, h = y or 0, m or 0, d or 0, h or 0
    local hours = ((y * 12 + m) * 30 + d) * 24 + h
    if y > 0 then return y .. "y " .. m .. "m " .. d .. "d", hours end
    if m > 0 then return m .. "m " .. d .. "d", hours end
    if d > 0 then return d .. "d " .. h .. "h", hours end
    return h .. "h", hours
end

-- The realm is always written in the no-space form WoW uses in
-- "Name-Realm" (e.g. "BleedingHollow"), for members and exporter alike.
local function ownRealm()
    if GetNormalizedRealmName then
        local r = GetNormalizedRealmName()
        if r and r ~= "" then return r end
    end
    return (string.gsub(GetRealmName() or "", "[%s%-]", ""))
end

local function splitName(full)
    local name, realm = string.match(full or "", "^([^%-]+)%-(.+)$")
    if not name then return full or "", ownRealm() end
    return name, realm
end

local function canViewOfficerNotes()
    if C_GuildInfo and C_GuildInfo.CanViewOfficerNote then
        return C_GuildInfo.CanViewOfficerNote() and true or false
    end
    if CanViewOfficerNote then return CanViewOfficerNote() and true or false end
    return false
end

local function finish(text, c)
    state.exporting = false
    state.retries = 0
    if text then say(c or WHITE, text) end
end

local function requestRoster()
    if C_GuildInfo and C_GuildInfo.GuildRoster then
        C_GuildInfo.GuildRoster()
    elseif GuildRoster then
        GuildRoster()
    end
end

local function processRoster()
    local total = GetNumGuildMembers()
    debug("roster update: " .. tostring(total) .. " members")
    if not total or total == 0 then
        if state.retries < MAX_RETRIES then
            state.retries = state.retries + 1
            local id = state.exportID
            debug("empty roster, retry " .. state.retries .. " of " .. MAX_RETRIES)
            C_Timer.After(RETRY_DELAY, function()
                if state.exporting and state.exportID == id then requestRoster() end
            end)
            return
        end
        finish("Export failed: the guild roster stayed empty. Open the guild window and try /pattsync again.", RED)
        return
    end

    local officer = canViewOfficerNotes()
    local characters = {}
    for i = 1, total do
        local fullName, rankName, rankIndex, level, className, zone, note, officerNote,
            isOnline, _, classFile, achievementPoints, _, _, _, _, guid = GetGuildRosterInfo(i)
        if fullName then
            local name, realm = splitName(fullName)
            local lastText, lastHours = lastOnline(i, isOnline)
            characters[#characters + 1] = {
                name = name,
                realm = realm,
                guid = guid or "",
                rank = rankIndex or 99,
                rankName = rankName or "Unknown",
                level = level or 0,
                class = className or "Unknown",
                classFile = classFile or "UNKNOWN",
                zone = zone or "",
                note = note or "",
                officerNote = officer and (officerNote or "") or nil,
                isOnline = isOnline and true or false,
                lastOnline = lastText,
                lastOnlineHours = lastHours,
                achievementPoints = achievementPoints or 0,
            }
        end
    end

    local guildName, _, _, guildRealm = GetGuildInfo("player")
    local t = now()
    PATTSyncDB.lastExport = {
        schemaVersion = SCHEMA_VERSION,
        exportTime = t,
        exportTimeISO = date("!%Y-%m-%dT%H:%M:%SZ", t),
        addonVersion = VERSION,
        guildName = guildName or "Unknown",
        -- GetGuildInfo leaves the realm nil when the guild is on the
        -- player's own realm.
        guildRealm = guildRealm or ownRealm(),
        exporter = {
            name = UnitName("player") or "",
            realm = ownRealm(),
            guid = UnitGUID and UnitGUID("player") or "",
        },
        officerNotesIncluded = officer,
        memberCount = #characters,
        characters = characters,
    }
    PATTSyncDB.schemaVersion = SCHEMA_VERSION
    PATTSyncDB.lastExportTime = t
    PATTSyncDB.totalExports = (PATTSyncDB.totalExports or 0) + 1
    finish(nil)
    say(GREEN, "Exported " .. #characters .. " members of " .. (guildName or "your guild") .. ".")
    if not officer then
        say(WHITE, "Officer notes were not included: this character cannot read them.")
    end
    say(WHITE, "Type /reload (or log out) so WoW writes the file for the companion.")
end

-- export asks the server for the roster; GUILD_ROSTER_UPDATE delivers it.
-- automatic exports respect the cooldown, commands do not.
local function export(automatic)
    if not IsInGuild() then
        say(RED, "You are not in a guild.")
        return false
    end
    if automatic and PATTSyncDB.lastExportTime then
        local left = PATTSyncDB.lastExportTime + COOLDOWN - now()
        if left > 0 then
            debug("automatic export skipped, cooldown " .. duration(left))
            return false
        end
    end
    if state.exporting then
        say(WHITE, "An export is already running.")
        return false
    end
    state.exporting = true
    state.retries = 0
    state.exportID = state.exportID + 1
    local id = state.exportID
    -- The roster event may never come (no guild data, disconnect): the
    -- flag must not stick, or every later export would be refused.
    C_Timer.After(EXPORT_TIMEOUT, function()
        if state.exporting and state.exportID == id then
            finish("Export timed out: no roster arrived within " .. EXPORT_TIMEOUT .. " seconds. Try again.", RED)
        end
    end)
    requestRoster()
    say(WHITE, "Requesting the guild roster…")
    return true
end

local function autoExport()
    if state.autoDone then return end
    if export(true) then
        state.autoDone = true
        C_Timer.After(COOLDOWN, function() state.autoDone = false end)
    end
end

local function showHelp()
    say(GOLD, "PATTSync " .. VERSION .. " commands:")
    say(WHITE, "/pattsync - export the guild roster now")
    say(WHITE, "/pattsync status - last export and cooldown")
    say(WHITE, "/pattsync debug - turn debug messages on or off")
    say(WHITE, "/pattsync help - this list")
end

local function showStatus()
    local last = PATTSyncDB.lastExportTime
    if not last then
        say(WHITE, "No exports yet.")
        return
    end
    local ago = now() - last
    say(WHITE, "Last export " .. duration(ago) .. " ago, " .. tostring(PATTSyncDB.lastExport and PATTSyncDB.lastExport.memberCount or 0) .. " members.")
    if ago < COOLDOWN then
        say(WHITE, "Next automatic export in " .. duration(COOLDOWN - ago) .. ".")
    else
        say(WHITE, "Ready to export.")
    end
    say(WHITE, "Exports in total: " .. tostring(PATTSyncDB.totalExports or 0))
    if state.exporting then say(WHITE, "An export is running now.") end
end

local function slash(msg)
    local cmd = string.lower(string.match(msg or "", "^%s*(.-)%s*$"))
    if cmd == "" or cmd == "export" or cmd == "force" then
        export(false)
    elseif cmd == "help" then
        showHelp()
    elseif cmd == "status" then
        showStatus()
    elseif cmd == "debug" then
        PATTSyncDB.debug = not PATTSyncDB.debug
        say(WHITE, "Debug messages " .. (PATTSyncDB.debug and "on" or "off") .. ".")
        debug("exporting=" .. tostring(state.exporting) .. " exportID=" .. state.exportID ..
            " retries=" .. state.retries .. " inGuild=" .. tostring(IsInGuild()) ..
            " officerNotes=" .. tostring(canViewOfficerNotes()))
    else
        say(RED, "Unknown command '" .. cmd .. "'.")
        showHelp()
    end
end

local frame = CreateFrame("Frame")
frame:RegisterEvent("ADDON_LOADED")
frame:RegisterEvent("GUILD_ROSTER_UPDATE")
frame:SetScript("OnEvent", function(_, event, arg1)
    if event == "ADDON_LOADED" and arg1 == ADDON_NAME then
        PATTSyncDB = PATTSyncDB or {}
        PATTSyncDB.totalExports = PATTSyncDB.totalExports or 0
        PATTSyncDB.schemaVersion = SCHEMA_VERSION
        if hooksecurefunc and ToggleGuildFrame then
            hooksecurefunc("ToggleGuildFrame", autoExport)
        end
        if CommunitiesFrame and CommunitiesFrame.HookScript then
            CommunitiesFrame:HookScript("OnShow", autoExport)
        end
        say(GOLD, "PATTSync " .. VERSION .. " loaded. /pattsync exports the roster, /pattsync help lists commands.")
    elseif event == "GUILD_ROSTER_UPDATE" and state.exporting then
        processRoster()
    end
end)

SLASH_PATTSYNC1 = "/pattsync"
SLASH_PATTSYNC2 = "/patt"
SlashCmdList["PATTSYNC"] = slash
