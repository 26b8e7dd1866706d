#!/usr/bin/env bash
# The README's API tour, runnable against a running Rota: create a machine client (straight in the
# configured database, so run it where `rota serve` runs, with the same ROTA_* settings), get a
# token, register the scheduling app, create a project, an agent, a journey and a schedule,
# trigger it, read its audit trail. Any Node from 20 will do: `npx rota` runs on the pinned one.
# Usage: bash scripts/api-tour.sh   (the server at ROTA_PUBLIC_URL, else http://127.0.0.1:$ROTA_PORT)
set -euo pipefail
cd "$(dirname "$0")/.."
# tour:begin — the README shows the lines from here to tour:end as they are
url=${ROTA_PUBLIC_URL:-http://127.0.0.1:${ROTA_PORT:-8080}}
field() { node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]))' "$1"; }
client=$(npx --no-install rota clients create --json)     # {"tenant_id", "client_id", "client_secret"}
CLIENT_ID=$(echo "$client" | field client_id)
CLIENT_SECRET=$(echo "$client" | field client_secret)
token=$(curl -sS -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials "$url/oauth/token" | field access_token)
post() { curl -sS -X POST "$url$1" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' ${2:+-d "$2"}; }
echo "register: $(post /ai/api/v1/oauth_app/register)"
project=$(post /api/v1/projects '{"name":"Shop"}' | field id)
agent=$(post /api/v1/agents "{\"project_id\":\"$project\",\"name\":\"walker\",\"kind\":\"builtin\",\"config\":{\"builtin\":\"http_journey\"}}" | field id)
journey=$(post /api/v1/journeys "{\"project_id\":\"$project\",\"name\":\"Home page\",\"agent_id\":\"$agent\",\"inputs\":{\"base_url\":\"https://example.com\",\"steps\":[{\"path\":\"/\",\"expect_status\":200}]}}" | field id)
schedule=$(post /api/v1/schedules "{\"project_id\":\"$project\",\"name\":\"Nightly\",\"timezone\":\"Europe/Berlin\"}" | field id)
post "/api/v1/schedules/$schedule/items" "{\"journey_id\":\"$journey\",\"priority\":10}" > /dev/null
echo "schedule: $(curl -sS "$url/api/v1/schedules/$schedule" -H "Authorization: Bearer $token" | field summary)"
echo "trigger: $(post "/api/v1/schedules/$schedule/trigger" | field id)"
echo "audit trail: $(curl -sS "$url/api/v1/schedules/$schedule/runs" -H "Authorization: Bearer $token")"
# tour:end
