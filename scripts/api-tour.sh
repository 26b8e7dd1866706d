#!/usr/bin/env bash
# The README's API tour, runnable against a running Rota: create a machine client (straight in the
# configured database, so run it where `rota serve` runs), get a token, register the scheduling
# app, create a project, an agent, a journey and a schedule, trigger it, read its audit trail.
# Usage: scripts/api-tour.sh [URL] (default http://localhost:8080), with the server's ROTA_* settings.
set -euo pipefail
cd "$(dirname "$0")/.."
url=${1:-http://localhost:8080}
# Reads one field of the JSON on stdin (jq would do; node is always here).
field() { node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]))' "$1"; }
post() { curl -sS -X POST "$url$1" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' ${2:+-d "$2"}; }

client=$(node bin/rota.js clients create --json)
client_id=$(echo "$client" | field client_id)
client_secret=$(echo "$client" | field client_secret)
token=$(curl -sS -u "$client_id:$client_secret" -d grant_type=client_credentials "$url/oauth/token" | field access_token)

echo "register: $(post /ai/api/v1/oauth_app/register)"
project=$(post /api/v1/projects '{"name":"Shop"}' | field id)
agent=$(post /api/v1/agents "{\"project_id\":\"$project\",\"name\":\"walker\",\"kind\":\"builtin\",\"config\":{\"builtin\":\"http_journey\"}}" | field id)
journey=$(post /api/v1/journeys "{\"project_id\":\"$project\",\"name\":\"Home page\",\"agent_id\":\"$agent\",\"inputs\":{\"base_url\":\"https://example.com\",\"steps\":[{\"path\":\"/\",\"expect_status\":200}]}}" | field id)
schedule=$(post /api/v1/schedules "{\"project_id\":\"$project\",\"name\":\"Nightly\",\"timezone\":\"Europe/Berlin\"}" | field id)
post "/api/v1/schedules/$schedule/items" "{\"journey_id\":\"$journey\",\"priority\":10}" > /dev/null
echo "schedule: $(curl -sS "$url/api/v1/schedules/$schedule" -H "Authorization: Bearer $token" | field summary)"
echo "trigger: $(post "/api/v1/schedules/$schedule/trigger" | field id)"
echo "audit trail: $(curl -sS "$url/api/v1/schedules/$schedule/runs" -H "Authorization: Bearer $token")"
