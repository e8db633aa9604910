#!/usr/bin/env bash
# The one test command: restore, build, and run every test project.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet restore Platform.sln
dotnet build Platform.sln --no-restore -c Release -m:2
dotnet test Platform.sln --no-build -c Release --logger "console;verbosity=normal"
