from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from applications.uploads import MAX_UPLOAD_BYTES


class SizeLimitUploadHandler(FileUploadHandler):
    """Stop keeping a file as soon as it passes the upload limit, before it fills memory or disk.

    The other fields of the form still arrive; the view sees `request.upload_too_large` and says why.
    """

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > MAX_UPLOAD_BYTES:
            self.request.upload_too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None
