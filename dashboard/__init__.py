"""The CII Valais dashboard application: settings, storage, ingestion, i18n, command line."""
