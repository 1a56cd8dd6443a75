-- UPLOAD_QUOTA_BYTES sums an uploader's sizes at every upload: from this index alone.
CREATE INDEX `uploads_uploader` ON `uploads` (`uploader_id`,`size`);