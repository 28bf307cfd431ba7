"""The engine: where the files are (`paths`), the validated incident data (`data`), the
escalation-risk teaching model (`escalation`) and the one plain-language label for every code
(`labels`). Nothing here draws or shows anything; everything else builds on it."""
