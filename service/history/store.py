"""Re-export for the merge (issue 11): the SQL repository moved to service/adapters/sql/interactions_repo.py;
use cases type against service.ports.InteractionRepository. The lead removes this file."""
from service.adapters.sql.interactions_repo import SqlInteractionRepo as InteractionStore  # noqa: F401
