#!/usr/bin/env bash
# The README's person's path, runnable against a running Rota: sign in as the first admin (the
# password from ROTA_ADMIN_PASSWORD, else the one Rota generated into the data directory), register
# scheduling for the organisation, authorise Rota through the Authorize popup's pages exactly as a
# browser follows them (start → consent → Approve → callback), then create a schedule, which runs
# on the person's behalf. Needs curl; any Node from 20.
# Usage: bash scripts/person-tour.sh   (the server at ROTA_PUBLIC_URL, else http://localhost:$ROTA_PORT,
# Rota's own default: the popup's redirects and the session cookie name that address)
set -euo pipefail
cd "$(dirname "$0")/.."
# tour:begin — the README shows the lines from here to tour:end as they are
url=${ROTA_PUBLIC_URL:-http://localhost:${ROTA_PORT:-8080}}   # where Rota's cookies and redirects point
field() { node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{const v=JSON.parse(s)[process.argv[1]];console.log(typeof v==="string"?v:JSON.stringify(v))})' "$1"; }
hidden() { node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{const f=new URLSearchParams();for(const m of s.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))f.append(m[1],m[2].replaceAll("&amp;","&"));console.log(f.toString())})'; }
jar=$(mktemp)   # the cookie jar: curl plays the browser
password=${ROTA_ADMIN_PASSWORD:-$(cat "${ROTA_DATA_DIR:-data}/initial-admin-password")}
session=$(curl -sS -c "$jar" "$url/api/v1/session" -H 'Content-Type: application/json' \
  -d "{\"email\":\"${ROTA_ADMIN_EMAIL:-admin@localhost}\",\"password\":\"$password\"}")
csrf=$(echo "$session" | field csrf_token)    # every change made with the session sends it back
send() { curl -sS -b "$jar" -X "$1" "$url$2" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
echo "register: $(send POST /ai/api/v1/oauth_app/register)"
echo "before: $(send GET /api/v1/authorization | field status)"
consent=$(curl -sS -b "$jar" -o /dev/null -w '%{redirect_url}' "$url/oauth/start")
form=$(curl -sS -b "$jar" "$consent" | hidden)
callback=$(curl -sS -b "$jar" -o /dev/null -w '%{redirect_url}' -d "$form&decision=approve" "$url/oauth/authorize")
echo "popup: $(curl -sS -b "$jar" "$callback" | grep -o -m1 'Authorization successful')"
echo "after: $(send GET /api/v1/authorization | field status)"
project=$(send POST /api/v1/projects '{"name":"Shop"}' | field id)
agent=$(send POST /api/v1/agents "{\"project_id\":\"$project\",\"name\":\"walker\",\"kind\":\"builtin\",\"config\":{\"builtin\":\"http_journey\"}}" | field id)
journey=$(send POST /api/v1/journeys "{\"project_id\":\"$project\",\"name\":\"Home page\",\"agent_id\":\"$agent\",\"inputs\":{\"base_url\":\"https://example.com\"}}" | field id)
schedule=$(send POST /api/v1/schedules "{\"project_id\":\"$project\",\"name\":\"Nightly\",\"timezone\":\"Europe/Berlin\"}" | field id)
send POST "/api/v1/schedules/$schedule/items" "{\"journey_id\":\"$journey\"}" > /dev/null
echo "owner: $(send GET "/api/v1/schedules/$schedule" | field owner)"
rm -f "$jar"
# tour:end
