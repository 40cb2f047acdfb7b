"""Agent Assist: AI agent-assist microservice for omnichannel customer service."""
