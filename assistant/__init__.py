"""KIM-Assistent: answers German questions about NRW's Kommunales Integrationsmanagement, with sources."""

__version__ = "0.1.0"
