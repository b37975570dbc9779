-- summary: reference data the administrator edits with `dialtone load|ringtone|sipprofile`:
-- a model's default firmware load chosen among its known loads. See docs/schema.md.
--
-- Why a flag on firmware_load and not an UPDATE of model.default_load: the model table is owned
-- by the catalogue (data/models.tsv), which rewrites default_load whenever a new binary brings a
-- changed file; the admin's choice must survive that. store_model.c reads a model's default load
-- as the flagged load of that model, else the catalogue's. Deleting the flagged load falls back to
-- the catalogue's default.
ALTER TABLE firmware_load ADD COLUMN is_default INTEGER NOT NULL DEFAULT 0
	CHECK (is_default IN (0, 1));
-- At most one default load per model.
CREATE UNIQUE INDEX firmware_load_default ON firmware_load(model) WHERE is_default = 1;
-- `load delete LOADID` finds every model's row by load ID.
CREATE INDEX firmware_load_id ON firmware_load(load_id);
-- `load delete` refuses a load that devices name as their override (device.load).
CREATE INDEX device_load ON device(load) WHERE load <> '';
